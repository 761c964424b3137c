package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/sqlite"
)

// cli is the principal of command-line work: the operator at the server's console.
func cli() *auth.Principal { return auth.System("cli") }

type rolesFlag []string

func (r *rolesFlag) String() string { return strings.Join(*r, ",") }
func (r *rolesFlag) Set(v string) error {
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*r = append(*r, x)
		}
	}
	return nil
}

func (m *Main) userAdd(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("user add", &sf)
	username := fs.String("username", "", "the new user's name")
	var roles rolesFlag
	fs.Var(&roles, "role", "a role (repeat, or separate with commas)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" || len(roles) == 0 {
		return usageError{"user add needs --username and --role"}
	}
	if fs.NArg() > 0 {
		return usageError{"user add takes no arguments"}
	}
	var password string
	generated := false
	switch {
	case *fromStdin:
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	case isTerminal(m.Stdin):
		f := m.Stdin.(*os.File)
		fmt.Fprint(m.Stderr, "Password for "+*username+": ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return fmt.Errorf("read password: %w", err)
		}
		password = string(b)
	default:
		password = auth.GeneratePassword()
		generated = true
	}
	if msg := auth.CheckPasswordStrength(password); msg != "" {
		return fmt.Errorf("password %s", msg)
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.CreateUser(ctx, cli(), *username, roles, password, generated); err != nil {
		return err
	}
	if generated {
		fmt.Fprintf(m.Stdout, "user %s added; one-time password (change at first sign-in): %s\n", *username, password)
	} else {
		fmt.Fprintf(m.Stdout, "user %s added\n", *username)
	}
	return nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (m *Main) tokenCreate(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("token create", &sf)
	username := fs.String("username", "", "whose token")
	name := fs.String("name", "", "a label for the token")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError{"token create needs --username"}
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	secret, err := s.CreateToken(ctx, cli(), *username, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, secret)
	return nil
}

func (m *Main) importCmd(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("import", &sf)
	source := fs.String("source", "import", "the source the file's refs belong to")
	format := fs.String("format", "ndjson", "ndjson (interchange) or calls-csv (provider call records)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "ndjson" && *format != "calls-csv" {
		return usageError{"--format is ndjson or calls-csv"}
	}
	if fs.NArg() != 1 {
		return usageError{"import takes one FILE (or - for standard input)"}
	}
	var in io.Reader = m.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	var sum *peel.ImportSummary
	if *format == "calls-csv" {
		sum, err = s.ImportCallsCSV(ctx, cli(), in, peel.ImportOptions{})
	} else {
		sum, err = s.Import(ctx, cli(), *source, in, peel.ImportOptions{})
	}
	if err != nil {
		var pe *pole.Error
		if errors.As(err, &pe) && len(pe.Fields) > 0 {
			enc := json.NewEncoder(m.Stdout)
			enc.Encode(map[string]any{"error": pe.Message, "errors": pe.Fields})
		}
		return err
	}
	return json.NewEncoder(m.Stdout).Encode(sum)
}

func (m *Main) exportCmd(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("export", &sf)
	out := fs.String("out", "", "write to FILE (default standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"export takes no arguments"}
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	var w io.Writer = m.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return s.Export(ctx, cli(), w)
}

// backupCmd writes a consistent copy of the embedded store to a new file, while a server may be
// using the store. The copy is a disclosure of everything, so it is audited first: the copy holds
// its own entry.
func (m *Main) backupCmd(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("backup", &sf)
	out := fs.String("out", "", "the new file to write the copy to")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return usageError{"backup takes --out FILE and no arguments"}
	}
	if sf.db != "" {
		return errors.New("peel backup copies the embedded store; back up PostgreSQL with pg_dump")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists: a backup is written to a new file", *out)
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Consult(ctx, cli(), audit.ActionExport, nil, "backup of the whole store to "+abs); err != nil {
		return err
	}
	if err := sqlite.Backup(ctx, sf.data, abs); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backed up to %s\n", abs)
	return nil
}

func (m *Main) auditVerify(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("audit verify", &sf)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("audit log altered after %d good entries: %w", n, err)
	}
	fmt.Fprintf(m.Stdout, "ok %d entries\n", n)
	return nil
}

func (m *Main) dedupeCmd(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := m.flags("dedupe", &sf)
	kind := fs.String("kind", "person", "the kind of record")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *kind != "person" {
		return usageError{"dedupe works on --kind person (other kinds are kept unique by exact keys)"}
	}
	s, err := m.open(ctx, sf)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := s.Dedupe(ctx, cli())
	if err != nil {
		return err
	}
	return json.NewEncoder(m.Stdout).Encode(sum)
}
