// Peel dispatch board: refreshes the board when the hazard alert stream reports an alert, so
// new incidents at places with hazards appear without a reload. Loaded by dispatch.html only.
(function () {
	"use strict";
	var board = document.getElementById("board"), state = document.getElementById("board-live");
	if (!board || !window.EventSource) {
		return;
	}
	var fresh = {};
	function say(text) { state.textContent = text; }
	function refresh() {
		if (window.htmx) {
			window.htmx.trigger(board, "refresh");
			return;
		}
		fetch("/dispatch/board", { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (res) {
			return res.ok ? res.text() : Promise.reject(new Error("status " + res.status));
		}).then(function (html) {
			board.innerHTML = html;
			mark();
		}).catch(function () { say("The board could not be updated; reload the page."); });
	}
	// mark highlights the incidents the stream announced.
	function mark() {
		Object.keys(fresh).forEach(function (id) {
			var li = document.getElementById("inc-" + id);
			if (li) { li.classList.add("fresh"); }
		});
	}
	board.addEventListener("htmx:afterSwap", mark);
	var stream = new EventSource("/api/v1/alerts/stream");
	stream.addEventListener("open", function () { say("Live: the board updates when an alert arrives."); });
	stream.addEventListener("hazard", function (e) {
		var a = {};
		try { a = JSON.parse(e.data); } catch (err) { /* still refresh */ }
		var inc = a.incident || {};
		if (inc.id) { fresh[inc.id] = true; }
		say("Hazard alert: " + String(inc.category || "incident").replace(/_/g, " ") + ". The board has been updated.");
		refresh();
	});
	stream.addEventListener("error", function () {
		say(stream.readyState === EventSource.CLOSED ? "Live updates stopped; the board reloads itself every 30 seconds." : "Live updates lost; reconnecting…");
	});
})();
