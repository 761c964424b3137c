package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
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
	readers := make([]*streamReader, cfg.Subscribers)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	for range min(32, cfg.Subscribers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(readers) {
					return
				}
				s, err := connect(sctx, streamClient, srv.URL, "")
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				readers[i] = s
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
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
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		all := true
		for _, s := range readers {
			if s.count(ids) < len(ids) {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var lat []time.Duration
	for _, s := range readers {
		s.mu.Lock()
		for _, id := range ids {
			if at, ok := s.got[id]; ok {
				lat = append(lat, at.Sub(sent[id]))
			} else {
				res.Missed++
			}
		}
		s.mu.Unlock()
	}
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
