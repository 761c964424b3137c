package match

import "strings"

// nicknameGroups lists common English given names with their nicknames,
// diminutives and spelling variants. The first entry of a line is the formal
// name; a nickname may belong to several formal names ("al" is Albert, Alan,
// Alfred and Alexander) and so appear on several lines. Two names agree at the
// "nickname" level when they share a line.
var nicknameGroups = []string{
	"abigail abby abbie gail nabby",
	"abraham abe bram",
	"adam ade",
	"adrian ade",
	"agnes aggie nessa nessie",
	"albert al bert bertie",
	"alan al allan allen alun",
	"alexander alex alec alick alistair alasdair alastair sandy sasha xander lex aleksandr aleksander alexandr oleksandr alessandro",
	"alexandra alex alexa lexi sandra sandy sasha",
	"alfred al alf alfie fred freddie",
	"alice ally allie alison",
	"alison ali allie ally alyson allison",
	"amanda mandy manda",
	"amelia amy millie milly emilia",
	"andrew andy drew andie andrei andre",
	"angela angie",
	"anne ann annie anna nan nancy nanny hannah anita",
	"annabel annabelle anabella anabel bella belle annie",
	"anthony tony ant antony anton",
	"archibald archie baldie",
	"arthur art artie",
	"augustus gus gussie",
	"barbara barb barbie babs bab",
	"bartholomew bart bat",
	"benjamin ben benny benji bennie",
	"bernard bernie barney",
	"beatrice bea trixie beattie",
	"bradley brad",
	"brian bryan brien",
	"bridget biddy bridie bride brigid",
	"caroline carol carrie caz carolyn",
	"catherine cathy kate katie kathy kath kitty kat cath katherine kathryn katharine catharine caitlin kathleen kay",
	"charles charlie chas chaz chuck chick carl",
	"charlotte charlie lottie lotte char",
	"christian chris kit",
	"christine chris chrissie tina christina kristina kristin kristen",
	"christopher chris kit topher kris",
	"clarence clare clarry",
	"clifford cliff",
	"colin col",
	"cornelius neil con corny",
	"cynthia cindy",
	"cyril cy",
	"daniel dan danny dani",
	"danielle dani dannie daniella",
	"david dave davy davie taffy dai",
	"deborah debbie deb debby debra",
	"dennis den denny denis",
	"derek del derrick",
	"diana di diane dianne",
	"dominic dom",
	"donald don donnie",
	"dorothy dot dottie dolly dora",
	"douglas doug dougie",
	"edward ed eddie eddy ted teddy ned",
	"edmund ed eddie ted ned edmond",
	"edwin ed eddie",
	"eleanor ellie nell nellie elly elinor ellen lena nora",
	"elizabeth liz lizzie beth betty bess bessie eliza libby lisa elsie betsy liza lizzy",
	"emily em emmy millie",
	"emma em emmy",
	"eric rick ricky",
	"ernest ernie",
	"esther essie hetty",
	"eugene gene",
	"evelyn evie eve",
	"francis frank frankie fran",
	"frances fran fanny frankie francesca",
	"frederick fred freddie freddy fritz",
	"gabriel gabe gabby",
	"gabrielle gabby gaby",
	"geoffrey geoff jeff jeffrey jeffery",
	"george georgie geordie",
	"georgina georgie gina",
	"gerald gerry jerry ged",
	"gerard gerry ged",
	"gilbert gil bert",
	"gordon gordie",
	"gregory greg",
	"gwendolyn gwen wendy",
	"harold harry hal",
	"harriet hattie harry",
	"helen nell nellie ellie lena",
	"henry harry hal hank",
	"herbert herb bert",
	"howard howie",
	"hubert hugh bert",
	"hugh hughie",
	"isaac ike zac",
	"isabel isabella isobel bella izzy belle issy",
	"jacob jake jack",
	"jacqueline jackie jacky jacqui",
	"james jim jimmy jamie jem jimi",
	"jane jenny jennie janie jan",
	"janet jan jenny nettie",
	"jason jay",
	"jeffrey jeff geoffrey geoff",
	"jennifer jenny jen jenna jenni",
	"jeremy jerry jez",
	"jessica jess jessie",
	"joan joanie jo",
	"joanna jo joanne jo-anne",
	"john jack johnny jon jonny jock ian sean shaun evan ivan juan giovanni johann jan",
	"jonathan jon jonny john nathan",
	"joseph joe joey jo",
	"josephine jo josie",
	"joshua josh",
	"judith judy jude",
	"julia jules julie",
	"julian jules",
	"katherine kate katie kathy kath kitty catherine",
	"kenneth ken kenny",
	"kimberley kim kimberly",
	"lawrence larry laurie lawrie laurence",
	"leonard len lenny leo",
	"leslie les lesley",
	"lewis lew louis lou",
	"louis lou louie lewis luis",
	"louise lou lulu louisa",
	"lucy lucie lucia",
	"margaret maggie meg peggy peg marge margie madge greta maisie molly daisy rita margo margot",
	"marjorie marge margie",
	"martin marty",
	"mary molly polly mae may mamie mimi maria marie mariah",
	"matilda tilly tilda mattie maud",
	"matthew matt matty mat",
	"maureen mo",
	"maurice mo morris morrie",
	"michael mike mick mickey micky mikey mitch",
	"michelle shelly michele",
	"mohammed mohamed muhammad muhammed mohammad mohamad mohd mhd md mahomed mehmet muhammet",
	"nathan nate nat",
	"nathaniel nat nate nathan",
	"nicholas nick nicky nico",
	"nicola nicky nikki nicole",
	"norman norm",
	"oliver ollie noll",
	"olivia liv livvy ollie",
	"oswald ozzy oz",
	"patricia pat patty patsy trish tricia",
	"patrick pat paddy patsy",
	"paul paulie pauly",
	"pamela pam",
	"penelope penny pen",
	"peter pete",
	"philip phil pip phillip",
	"rachel rach shelly",
	"raymond ray",
	"rebecca becky becca bex",
	"reginald reg reggie",
	"richard rick dick ricky rich richie dicky",
	"robert bob bobby rob robbie robby bert bertie rab",
	"roberta bobbie robbie",
	"rodney rod",
	"roderick rod roddy rory",
	"roger rodge",
	"ronald ron ronnie",
	"rosemary rose rosie",
	"rosalind ros roz",
	"samantha sam sammy",
	"samuel sam sammy",
	"sarah sally sadie sara",
	"sebastian seb",
	"sidney sid sydney",
	"simon si",
	"sophia sophie",
	"stanley stan",
	"stephanie steph stevie",
	"stephen steve stevie steven stephan",
	"stuart stu stewart",
	"susan sue susie suzy suzanne susanne susanna",
	"teresa terri tess tessa theresa terry",
	"terence terry tel terrence",
	"theodore theo ted teddy",
	"thomas tom tommy thom",
	"timothy tim timmy",
	"tobias toby",
	"valerie val",
	"victor vic",
	"victoria vicky vic tori",
	"vincent vince vinny",
	"walter walt wally",
	"wilfred wilf fred",
	"william bill billy will willie liam willy wills",
	"winifred winnie freda",
	"zachary zach zack zac",
	"aaron ron ronnie",
	"abel abe",
	"agatha aggie",
	"albertina tina bertie",
	"alberta bertie",
	"amos moss",
	"angus gus",
	"antonia toni",
	"barry baz",
	"belinda linda",
	"bertram bert",
	"beverley bev",
	"carl charles",
	"cecilia cissy cecily",
	"clement clem",
	"constance connie",
	"cuthbert cuddy bert",
	"dorothea dot dora thea",
	"edith edie",
	"elaine lainey",
	"ellen nell ellie",
	"ferdinand ferdie fred",
	"florence flo florrie flossie",
	"gertrude gertie trudy",
	"harriette hattie",
	"horace horry",
	"ignatius iggy",
	"jemima mima jem",
	"kathleen kath kathy katie",
	"lillian lily lil",
	"lorraine lori",
	"madeline maddie madeleine",
	"malcolm mal",
	"marcus marc mark",
	"mark marc marcus",
	"melissa mel missy",
	"melvin mel",
	"mildred millie",
	"montgomery monty",
	"nigel nige",
	"percival percy",
	"phyllis phyl",
	"prudence prue",
	"randolph randy",
	"ronan ro",
	"russell russ",
	"sylvia syl",
	"vernon vern",
	"veronica ronnie nicky",
	"wendy gwendolyn",
	"yvonne vonnie",
	"dmitri dmitry dimitri",
	"sergei sergey serge",
	"yuri yury iurii",
	"ekaterina katya yekaterina",
	"anastasia nastya stacy stacey nastassia anastassia",
	"mikhail misha michael",
	"ivan vanya",
	"vladimir vlad volodymyr",
	"nikolai kolya nikolay nicholas",
	"jose pepe",
	"francisco paco pancho",
	"guillermo memo william",
	"giuseppe beppe joseph",
	"ali aly",
	"ahmed ahmad ahmet",
	"yusuf yousef youssef joseph",
	"ibrahim abraham",
	"hussein husain hussain hossein",
	"abdul abdel",
	"darla darlene darleen darletta",
	"ellie eleanor ellen",
	"leigh lee lea",
	"susanne susan sue",
	"kaylee keeley kayleigh kaley",
	"kristen kristin kirsten",
	"sandra sandy",
	"andreas andrew andy",
	"eduardo eddie edward",
	"georg george",
	"jorge george",
	"juan john",
	"luis louis",
	"marie mary maria",
	"johann john hans",
	"hans john johann",
	"pierre peter",
	"pedro peter",
	"pablo paul",
	"jacques james jack",
	"guy guido",
	"geraldine gerry geri",
	"howell hywel",
	"dafydd david dai",
	"sian jane",
	"sean shaun shawn john",
	"siobhan joan",
	"seamus james",
	"eoin owen john",
	"niamh neve",
	"aoife eva",
}

// nicknameIndex maps a normalised name to the indices of its groups in
// nicknameGroups. It is built once at start-up and only read afterwards.
var nicknameIndex = buildNicknameIndex()

func buildNicknameIndex() map[string][]uint16 {
	idx := make(map[string][]uint16, 1024)
	for g, line := range nicknameGroups {
		for _, n := range strings.Fields(line) {
			n = strings.ReplaceAll(n, "-", "")
			ids := idx[n]
			if len(ids) == 0 || ids[len(ids)-1] != uint16(g) {
				idx[n] = append(ids, uint16(g))
			}
		}
	}
	return idx
}

// nickGroupCodes is the phonetic blocking code of each group's formal name
// (the first word of its line): a nickname also gets the blocking key of its
// formal name, so that Bob Smith and Robert Smith share a key.
var nickGroupCodes = func() []string {
	out := make([]string, len(nicknameGroups))
	for i, line := range nicknameGroups {
		out[i], _ = doubleMetaphoneFolded(strings.Fields(line)[0])
	}
	return out
}()

// formalNames holds the first word of every nickname line.
var formalNames = func() map[string]bool {
	out := make(map[string]bool, len(nicknameGroups))
	for _, line := range nicknameGroups {
		out[strings.Fields(line)[0]] = true
	}
	return out
}()

func isFormal(name string) bool { return formalNames[name] }

// nicknameGroupsOf returns the nickname groups of a normalised name token.
func nicknameGroupsOf(name string) []uint16 { return nicknameIndex[name] }

// shareGroup reports whether two sorted group lists intersect.
func shareGroup(a, b []uint16) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// Nickname reports whether two given names are nicknames, diminutives or
// known spelling variants of one another ("Bob" and "Robert", "Peggy" and
// "Margaret"). Names are normalised first.
func Nickname(a, b string) bool {
	na, nb := NormaliseName(a), NormaliseName(b)
	if na == "" || nb == "" {
		return false
	}
	if na == nb {
		return true
	}
	return shareGroup(nicknameGroupsOf(na), nicknameGroupsOf(nb))
}
