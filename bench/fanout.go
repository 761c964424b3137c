package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// BareFanout measures the floor under alert delivery: cfg.Subscribers streams, read exactly as the
// alert benchmark reads Peel's, from a plain net/http server that on each POST writes one
// ready-made event of frameBytes to every stream and flushes, each stream in its own goroutine as
// Peel's are. What Peel adds on top is the difference.
func BareFanout(ctx context.Context, cfg IncidentsConfig, frameBytes int) (FanoutResult, error) {
	res := FanoutResult{Subscribers: cfg.Subscribers, Alerts: cfg.Alerts, FrameBytes: frameBytes}
	var mu sync.Mutex
	subs := map[chan []byte]bool{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/alerts/stream", func(w http.ResponseWriter, r *http.Request) {
		ch := make(chan []byte, 64)
		mu.Lock()
		subs[ch] = true
		mu.Unlock()
		defer func() { mu.Lock(); delete(subs, ch); mu.Unlock() }()
		rc := http.NewResponseController(w)
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, ": peel alerts\n\n")
		if rc.Flush() != nil {
			return
		}
		for {
			select {
			case <-r.Context().Done():
				return
			case f := <-ch:
				if _, err := w.Write(f); err != nil || rc.Flush() != nil {
					return
				}
			}
		}
	})
	mux.HandleFunc("POST /raise", func(w http.ResponseWriter, r *http.Request) {
		frame := bareFrame(r.URL.Query().Get("id"), frameBytes)
		mu.Lock()
		for ch := range subs {
			select {
			case ch <- frame:
			default:
			}
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	streamClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}}
	defer streamClient.CloseIdleConnections()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readers, err := connectAll(sctx, streamClient, srv.URL, "", cfg.Subscribers)
	if err != nil {
		return res, err
	}
	sent := map[string]time.Time{}
	var ids []string
	for i := range cfg.Alerts {
		id := fmt.Sprintf("bare-%d", i)
		t0 := time.Now()
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/raise?id="+id, nil)
		ans, err := http.DefaultClient.Do(req)
		if err != nil {
			return res, err
		}
		ans.Body.Close()
		sent[id] = t0
		ids = append(ids, id)
		if i < cfg.Alerts-1 {
			time.Sleep(cfg.Gap)
		}
	}
	lat, missed := collect(readers, ids, sent, 10*time.Second)
	res.Missed = missed
	res.Delivery = summarise(lat, 0)
	cancel()
	srv.Close()
	for _, s := range readers {
		<-s.done
	}
	return res, nil
}

// bareFrame is an event the alert benchmark's readers take for a raised alert, padded to size.
func bareFrame(id string, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `id: 1`+"\nevent: hazard\n"+`data: {"incident":{"id":%q},"pad":"`, id)
	tail := `","reason":"raised"}` + "\n\n"
	for b.Len()+len(tail) < size+len("id: 1\nevent: hazard\n") {
		b.WriteByte('x')
	}
	b.WriteString(tail)
	return b.Bytes()
}
