package match

// Word lists for GeneratePeople: common UK surnames (most common first),
// given names and place names. Read-only.

var genSurnames = splitWords(`Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper
Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price
Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards
Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens
Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds
Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton
O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster
Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter
Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess
Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates
Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy
Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert
Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin
Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham Quinn
Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler
Heath Norman Middleton Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd
Barlow Peters Lucas Knowles Hartley Miah Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock
Thornton Baldwin Burrows Briggs Storey Pope Ashton Kowalski Nowak Wiśniewski Smith-Jones Fernández Müller Ó'Súilleabháin`)

// Syllables for the long tail of rarer surnames.
var (
	genSurnameHead = splitWords(`Ash Brad Carl Dun Ell Fair Gold Hal Kings Lang Mar North Oak Pen Rad Stan Thorn Wal West
Whit Al Ber Cal Dar Ed Far Gar Har Kel Lin Mor Nor Ox Pres Ray Sel Tre Wen Black Brom Chad Crom Dray Fen Glad Hen
Kirk Lock Mel Pick Rother Shel Tad Wyn`)
	genSurnameTail = splitWords(`ford ton ley wood worth field by ham well more dale brook combe shaw hurst stone bury
wick cott den land man son er ridge gate low thwaite ing wright`)
)

var genMaleNames = splitWords(`Oliver Jack Harry George Noah Charlie Jacob Thomas Oscar William James Leo Alfie Henry
Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas Mohammed Logan Theo Harrison
Benjamin Mason Sebastian Finley Adam Dylan Zachary Riley Teddy David John Michael Paul Andrew Mark Richard Robert
Stephen Peter Christopher Matthew Anthony Kevin Gary Steven Ian Simon Lee Craig Darren Jason Neil Wayne Dean Ryan
Liam Connor Kieran Jamie Aaron Callum Ben Nathan Kyle Jordan Luke Patrick Sean Philip Martin Brian Keith Alan Colin
Terence Raymond Dennis Kenneth Ronald Derek Graham Gordon Stuart Muhammad Ahmed Ali Hassan Aleksandr Piotr Tomasz
Jose Francis Frederick Albert Victor`)

var genFemaleNames = splitWords(`Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie
Ivy Freya Harper Willow Charlotte Jessica Sarah Emma Laura Rebecca Hannah Lucy Katie Amy Rachel Claire Nicola Lisa
Michelle Karen Susan Julie Helen Joanne Sharon Tracey Donna Kelly Samantha Gemma Stacey Kirsty Danielle Natalie
Victoria Elizabeth Margaret Patricia Catherine Kathleen Mary Anne Jennifer Deborah Christine Janet Carol Linda
Pauline Dorothy Jean Joan Sandra Siobhán Niamh Aoife Fatima Aisha Zainab Maryam Agnieszka Anna Megan Chloe Abigail
Leah Bethany Jade Shannon Courtney Zoë Renée`)

// genTowns pairs UK towns with their postcode areas.
var genTowns = [][2]string{
	{"London", "E"}, {"London", "N"}, {"London", "SE"}, {"London", "SW"}, {"London", "NW"}, {"Birmingham", "B"},
	{"Manchester", "M"}, {"Leeds", "LS"}, {"Liverpool", "L"}, {"Sheffield", "S"}, {"Bristol", "BS"},
	{"Newcastle upon Tyne", "NE"}, {"Nottingham", "NG"}, {"Leicester", "LE"}, {"Coventry", "CV"}, {"Bradford", "BD"},
	{"Cardiff", "CF"}, {"Glasgow", "G"}, {"Edinburgh", "EH"}, {"Southampton", "SO"}, {"Portsmouth", "PO"},
	{"Brighton", "BN"}, {"Plymouth", "PL"}, {"Reading", "RG"}, {"Norwich", "NR"}, {"Chelmsford", "CM"},
	{"Colchester", "CO"}, {"Southend-on-Sea", "SS"}, {"Luton", "LU"}, {"Oxford", "OX"}, {"Cambridge", "CB"},
	{"Ipswich", "IP"}, {"York", "YO"}, {"Hull", "HU"}, {"Derby", "DE"}, {"Stoke-on-Trent", "ST"},
	{"Wolverhampton", "WV"}, {"Exeter", "EX"}, {"Swansea", "SA"}, {"Preston", "PR"}, {"Blackpool", "FY"},
	{"Bolton", "BL"}, {"Wigan", "WN"}, {"Sunderland", "SR"}, {"Middlesbrough", "TS"}, {"Doncaster", "DN"},
	{"Peterborough", "PE"}, {"Milton Keynes", "MK"}, {"Northampton", "NN"}, {"Gloucester", "GL"}, {"Bath", "BA"},
	{"Basildon", "SS"}, {"Harlow", "CM"}, {"Canterbury", "CT"}, {"Maidstone", "ME"}, {"Guildford", "GU"},
	{"Crawley", "RH"}, {"Swindon", "SN"}, {"Bournemouth", "BH"}, {"Lincoln", "LN"}, {"Carlisle", "CA"},
	{"Lancaster", "LA"},
}

var (
	genStreetNames = splitWords(`High Station Church Victoria Park Mill London Queens Kings Albert Green Manor School
New North South West East Chapel Grange Springfield Windsor York Alexandra Richmond Broad Main Highfield Mount
Cedar Elm Oak Beech Ash Willow Orchard Meadow Brook Hill Field Stanley Nelson Waterloo Market Bridge Castle Abbey
Priory Cromwell Clarence Wellington Coronation Jubilee Hawthorn Rosemary Lime Poplar Sycamore Chestnut Birch`)
	genStreetTypes = splitWords(`Road Street Lane Avenue Close Drive Way Crescent Gardens Court Place Terrace Grove Walk`)
)

func splitWords(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\n' || s[i] == '\t' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}
