package match

import "slices"

// PairCompleteness is the share of true duplicate pairs that share a blocking key, entity[i]
// naming the true person behind people[i]: the most of them blocking can bring to be compared.
func PairCompleteness(people []Person, entity []int) float64 {
	byEntity := map[int][]int{}
	for i, e := range entity {
		byEntity[e] = append(byEntity[e], i)
	}
	keys := make([][]string, len(people))
	for _, g := range byEntity {
		if len(g) > 1 {
			for _, i := range g {
				keys[i] = Keys(&people[i])
			}
		}
	}
	total, hit := 0, 0
	for _, g := range byEntity {
		for x := range g {
			for y := x + 1; y < len(g); y++ {
				total++
				if shareKey(keys[g[x]], keys[g[y]]) {
					hit++
				}
			}
		}
	}
	if total == 0 {
		return 1
	}
	return float64(hit) / float64(total)
}

// shareKey reports whether two sorted key lists have a key in common.
func shareKey(a, b []string) bool {
	for _, k := range a {
		if _, ok := slices.BinarySearch(b, k); ok {
			return true
		}
	}
	return false
}
