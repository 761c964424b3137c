package ukref

import (
	"regexp"
	"strings"
)

// VRMFormat names the registration-mark scheme a VRM matches.
type VRMFormat string

// The VRM schemes of Great Britain and Northern Ireland. Unknown marks are stored with a warning.
const (
	VRMCurrent  VRMFormat = "current"  // since 2001: AB12 CDE
	VRMPrefix   VRMFormat = "prefix"   // 1983-2001: A123 BCD
	VRMSuffix   VRMFormat = "suffix"   // 1963-1983: ABC 123D
	VRMDateless VRMFormat = "dateless" // before 1963: ABC 123, 1234 AB
	VRMNI       VRMFormat = "northern_ireland"
	VRMUnknown  VRMFormat = "unknown"
)

var vrmFormats = []struct {
	format VRMFormat
	re     *regexp.Regexp
}{
	{VRMCurrent, regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z]{3}$`)},
	{VRMPrefix, regexp.MustCompile(`^[A-Z][0-9]{1,3}[A-Z]{3}$`)},
	{VRMSuffix, regexp.MustCompile(`^[A-Z]{3}[0-9]{1,3}[A-Z]$`)},
	{VRMNI, regexp.MustCompile(`^[A-Z]{1,2}[IZ][0-9]{1,4}$|^[A-Z]{2}[IZ][0-9]{1,4}$`)},
	{VRMDateless, regexp.MustCompile(`^[A-Z]{1,3}[0-9]{1,4}$|^[0-9]{1,4}[A-Z]{1,3}$`)},
}

// NormaliseVRM returns the mark in upper case without spaces or punctuation and the scheme it
// matches. A mark that matches no scheme is still returned, with VRMUnknown, so it can be kept and
// flagged rather than rejected.
func NormaliseVRM(s string) (vrm string, format VRMFormat) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '\t':
		default:
			b.WriteRune(r)
		}
	}
	vrm = b.String()
	for _, f := range vrmFormats {
		if f.re.MatchString(vrm) {
			return vrm, f.format
		}
	}
	return vrm, VRMUnknown
}

// NormaliseVIN returns a vehicle identification number in upper case without spaces.
func NormaliseVIN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
