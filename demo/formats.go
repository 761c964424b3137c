package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Postcode units use the letters the Royal Mail allows in an inward code.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

// postcodeArea is the fictional town's postcode area. "KB" is not a real UK postcode area, so no
// generated address can be a real one.
const postcodeArea = "KB"

// postcode returns the unit postcode of district d, sector s and unit n (0 <= n < 400).
func postcode(d, s, n int) string {
	return fmt.Sprintf("%s%d %d%c%c", postcodeArea, d, s, inwardLetters[n/len(inwardLetters)%len(inwardLetters)], inwardLetters[n%len(inwardLetters)])
}

// VRM letters: the current scheme never uses I or Q in the random part, nor I, Q, Z in the
// memory tag's second letter.
const (
	vrmRegion = "ABCDEFGHKLMNOPRSVWY"
	vrmSecond = "ABCDEFGHJKLMNOPRSTUVWXY"
	vrmRandom = "ABCDEFGHJKLMNOPRSTUVWXYZ"
	// prefix-era year letters, 1983 (A) to 2001 (Y).
	vrmPrefixYears = "ABCDEFGHJKLMNPRSTVWXY"
	vrmSuffixYears = "ABCDEFGHJKLMNPRSTVWXY"
)

func pick(r *rand.Rand, s string) byte { return s[r.IntN(len(s))] }

// currentVRM writes a post-2001 mark, "YA19 KDE": memory tag, age identifier, three letters.
// Marks are issued in March (year) and September (year+50) from 2001 until now.
func currentVRM(r *rand.Rand, now time.Time, local bool) string {
	var tag [2]byte
	if local {
		tag[0] = 'Y' // Yorkshire
	} else {
		tag[0] = pick(r, vrmRegion)
	}
	tag[1] = pick(r, vrmSecond)
	// Newer cars are more common: the age identifier is drawn towards recent years.
	maxYear := now.Year()
	y := maxYear - int(float64(maxYear-2002)*r.Float64()*r.Float64())
	if y < 2002 {
		y = 2002
	}
	age := y % 100
	september := r.IntN(2) == 1
	if y == maxYear && now.Month() < time.September {
		september = false
	}
	if september {
		age += 50
	} else if y == maxYear && now.Month() < time.March {
		age = (y - 1) % 100
	}
	return fmt.Sprintf("%c%c%02d %c%c%c", tag[0], tag[1], age, pick(r, vrmRandom), pick(r, vrmRandom), pick(r, vrmRandom))
}

// olderVRM writes a mark of an earlier scheme (prefix, suffix or dateless), or a foreign one,
// which Peel stores with a warning.
func olderVRM(r *rand.Rand) string {
	switch x := r.IntN(10); {
	case x < 5:
		return fmt.Sprintf("%c%d %c%c%c", pick(r, vrmPrefixYears), 1+r.IntN(999), pick(r, vrmRandom), pick(r, vrmRandom), pick(r, vrmRandom))
	case x < 7:
		return fmt.Sprintf("%c%c%c %d%c", pick(r, vrmRandom), pick(r, vrmRandom), pick(r, vrmRandom), 1+r.IntN(999), pick(r, vrmSuffixYears))
	case x < 9:
		return fmt.Sprintf("%c%c%c %d", pick(r, vrmRandom), pick(r, vrmRandom), pick(r, vrmRandom), 1+r.IntN(999))
	default:
		// A Polish plate: district letters and five characters; no UK scheme matches it.
		return fmt.Sprintf("W%c %05d", pick(r, "AEGIKNPRWX"), r.IntN(100000))
	}
}

// VIN characters exclude I, O and Q.
const vinChars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"

// vin writes a 17-character VIN: the maker's WMI, five descriptor characters, a check digit, model
// year, plant and a six-digit serial taken from seq so every VIN is distinct.
func vin(r *rand.Rand, wmi string, seq int) string {
	var b strings.Builder
	b.WriteString(wmi)
	for range 5 {
		b.WriteByte(pick(r, vinChars))
	}
	b.WriteByte(pick(r, "0123456789X")) // the check digit, position 9
	b.WriteByte(pick(r, "ABCDEFGHJKLMNPRSTVWXY123456789"))
	b.WriteByte(pick(r, vinChars))
	fmt.Fprintf(&b, "%06d", seq%1000000)
	return b.String()
}

// Telephone numbers. Ofcom reserves these ranges for drama, so they reach no one.
var (
	dramaLocal    = []string{"0113 496 0%03d", "01632 960%03d"}
	dramaExternal = []string{"020 7946 0%03d", "0121 496 0%03d", "0131 496 0%03d", "0141 496 0%03d", "0151 496 0%03d", "0161 496 0%03d", "0191 498 0%03d", "0117 496 0%03d", "0118 496 0%03d"}
)

// maxMobiles is how many distinct mobile numbers mobileNumber can make.
const maxMobiles = 1000 + 10*800000

// mobileNumber returns the i-th mobile number of the force: the 1,000 numbers of Ofcom's drama
// range 07700 900000-900999 first, then synthetic numbers 07700 100000-899999, then the same
// 800,000 under 07701, 07702 and on to 07709 (a force of more than about 667,000 people needs
// them). The synthetic ones are outside the drama range; they are made up for this demo force,
// scattered by a bijection so they do not run in order.
func mobileNumber(i int) string {
	if i < 1000 {
		return fmt.Sprintf("07700 900%03d", i)
	}
	block, k := (i-1000)/800000%10, (i-1000)%800000
	// 104729 is prime and shares no factor with 800000, so this permutes 0..799999.
	v := 100000 + (k*104729+31337)%800000
	return fmt.Sprintf("0770%d %06d", block, v)
}

// landlineNumber returns the i-th landline of the town (0 <= i < 2000), or "" when the drama
// ranges are used up.
func landlineNumber(i int) string {
	if i >= 1000*len(dramaLocal) {
		return ""
	}
	return fmt.Sprintf(dramaLocal[i/1000], i%1000)
}

// externalNumber returns a number outside the town, in another drama range.
func externalNumber(i int) string {
	i %= 1000 * len(dramaExternal)
	return fmt.Sprintf(dramaExternal[i/1000], i%1000)
}

// e164 turns a UK national number into E.164.
func e164(national string) string {
	d := digitsOnly(national)
	return "+44" + strings.TrimPrefix(d, "0")
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// writtenNumber writes a number as people and systems write them: spaced, run together, or
// international.
func writtenNumber(r *rand.Rand, national string) string {
	switch x := r.IntN(10); {
	case x < 5:
		return national
	case x < 7:
		return digitsOnly(national)
	case x < 9:
		return "+44 " + strings.TrimPrefix(national, "0")
	default:
		return e164(national)
	}
}

// luhn returns the check digit that makes digits pass the Luhn test.
func luhn(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// imei returns a 15-digit IMEI: an 8-digit type allocation code, a serial taken from seq, and
// the Luhn check digit.
func imei(r *rand.Rand, seq int) string {
	tac := fmt.Sprintf("35%06d", r.IntN(1000000))
	body := tac + fmt.Sprintf("%06d", seq%1000000)
	return body + string(luhn(body))
}

// pncCheck is the Police National Computer's check character for a year and serial.
func pncCheck(yy, serial int) byte {
	const letters = "ZABCDEFGHJKLMNPQRTUVWXY"
	n, _ := strconv.Atoi(fmt.Sprintf("%02d%07d", yy, serial))
	return letters[n%23]
}

// pncID writes a PNC ID in its short form, "YY/NNNNNNA".
func pncID(yy, serial int) string {
	return fmt.Sprintf("%02d/%06d%c", yy%100, serial%1000000, pncCheck(yy%100, serial%1000000))
}

// croNumber writes a Criminal Records Office number, "NNNNNN/YYA".
func croNumber(yy, serial int) string {
	return fmt.Sprintf("%06d/%02d%c", serial%1000000, yy%100, pncCheck(yy%100, serial%1000000))
}

// niNumber writes a National Insurance number with the prefix QQ, which HMRC uses in examples
// and never issues.
func niNumber(r *rand.Rand) string {
	return fmt.Sprintf("QQ %02d %02d %02d %c", r.IntN(100), r.IntN(100), r.IntN(100), pick(r, "ABCD"))
}

// drivingLicence writes a DVLA-style licence number from the holder's name, sex and date of birth.
func drivingLicence(r *rand.Rand, family, given string, female bool, dob time.Time) string {
	var sb strings.Builder
	for _, c := range strings.ToUpper(asciiFold(family)) {
		if c >= 'A' && c <= 'Z' && sb.Len() < 5 {
			sb.WriteRune(c)
		}
	}
	for sb.Len() < 5 {
		sb.WriteByte('9')
	}
	month := int(dob.Month())
	if female {
		month += 50
	}
	initials := "99"
	if g := strings.Fields(strings.ToUpper(asciiFold(given))); len(g) > 0 {
		initials = string(g[0][0])
		if len(g) > 1 {
			initials += string(g[1][0])
		} else {
			initials += "9"
		}
	}
	return fmt.Sprintf("%s%d%02d%02d%d%s9%c%c", sb.String(), dob.Year()/10%10, month, dob.Day(), dob.Year()%10, initials, pick(r, "ABCDEFGHJKLMNPRSTUVWXYZ"), pick(r, "ABCDEFGHJKLMNPRSTUVWXYZ"))
}

// asciiFold removes the diacritics of the names in this package's lists ("Wiśniewski" ->
// "Wisniewski"), as many force systems do.
func asciiFold(s string) string {
	return strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z",
		"Ą", "A", "Ć", "C", "Ę", "E", "Ł", "L", "Ń", "N", "Ó", "O", "Ś", "S", "Ź", "Z", "Ż", "Z", "é", "e", "á", "a").Replace(s)
}
