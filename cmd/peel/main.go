// Command peel is Peel, a police record management system: one binary that serves the web UI and
// the API, and runs the command-line tasks (users, tokens, import, export, backup, dedupe, audit) against
// the embedded store (--data DIR) or PostgreSQL (--db URL).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/peel-rms/peel/postgres"
	"github.com/peel-rms/peel/sqlite"
	"github.com/peel-rms/peel/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main runs one peel command. Tests run it in process, with their own streams and environment.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is called with the server's address once it listens (tests serve on :0).
	Ready func(addr string)
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// usageError is a command-line mistake (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: peel COMMAND [flags] [args]

commands:
  serve [--addr 127.0.0.1:8080] [--demo]   serve the web UI and the API
  user add --username U --role R [--password-stdin]
  token create --username U [--name LABEL]
  import [--source S] [--format calls-csv] FILE|-
                                           import interchange NDJSON (or provider call records), all or nothing
  export [--out FILE]                      export the store as interchange NDJSON
  backup --out FILE                        copy the embedded store, consistent while it serves
  dedupe [--kind person]                   find duplicate people for review
  audit verify                             check the audit log's hash chain

store flags (every command): --data DIR (default ./peel-data, env PEEL_DATA)
                             --db postgres://... (env PEEL_DB)
`

// Run runs the command in args and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	err := m.run(ctx, args)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "peel: %s\n\n%s", ue.msg, usage)
		return exitUsage
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(m.Stderr, usage)
		return exitUsage
	default:
		fmt.Fprintf(m.Stderr, "peel: %s\n", oneLine(err.Error()))
		return exitFail
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (m *Main) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.serve(ctx, rest)
	case "user":
		if len(rest) == 0 || rest[0] != "add" {
			return usageError{"peel user has one subcommand: add"}
		}
		return m.userAdd(ctx, rest[1:])
	case "token":
		if len(rest) == 0 || rest[0] != "create" {
			return usageError{"peel token has one subcommand: create"}
		}
		return m.tokenCreate(ctx, rest[1:])
	case "import":
		return m.importCmd(ctx, rest)
	case "export":
		return m.exportCmd(ctx, rest)
	case "backup":
		return m.backupCmd(ctx, rest)
	case "dedupe":
		return m.dedupeCmd(ctx, rest)
	case "audit":
		if len(rest) == 0 || rest[0] != "verify" {
			return usageError{"peel audit has one subcommand: verify"}
		}
		return m.auditVerify(ctx, rest[1:])
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// storeFlags are the flags every command takes to choose its store.
type storeFlags struct {
	data string
	db   string
}

func (m *Main) flags(name string, sf *storeFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("peel "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	def := m.Getenv("PEEL_DATA")
	if def == "" {
		def = "./peel-data"
	}
	fs.StringVar(&sf.data, "data", def, "embedded store directory")
	fs.StringVar(&sf.db, "db", m.Getenv("PEEL_DB"), "PostgreSQL URL")
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

func (m *Main) logger() *slog.Logger {
	level := slog.LevelInfo
	if m.Getenv("PEEL_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
}

// open opens (creating or migrating) the store the flags name.
func (m *Main) open(ctx context.Context, sf storeFlags) (*sqlstore.Store, error) {
	opts := sqlstore.Options{Logger: m.logger()}
	if sf.db != "" {
		return postgres.Open(ctx, sf.db, opts)
	}
	return sqlite.Open(ctx, sf.data, opts)
}
