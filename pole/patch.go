package pole

import "encoding/json"

// MergePatch applies an RFC 7396 JSON merge patch to a JSON object.
func MergePatch(target, patch []byte) ([]byte, error) {
	var t, p any
	if err := json.Unmarshal(target, &t); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, jsonError(err)
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, &Error{Code: EInvalid, Message: "a merge patch must be a JSON object"}
	}
	return json.Marshal(mergeValue(t, p))
}

func mergeValue(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = mergeValue(tm[k], v)
	}
	return tm
}
