// Peel officer alerts: subscribes to the hazard alert stream and shows each alert, newest
// first, large and announced at once. Loaded by alerts.html only.
(function () {
	"use strict";
	var form = document.getElementById("alert-area");
	if (!form || !window.EventSource) {
		return;
	}
	var $ = function (id) { return document.getElementById(id); };
	var state = $("alerts-state"), list = $("alert-list"), areaInput = $("f-area"), areaError = $("f-area-error");
	var stream = null;
	var types = { firearm: "Firearm", marker: "Warning marker", vulnerable_person: "Vulnerable person", violent_history: "Violent history", missing_person: "Missing before" };
	var areaRE = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/;

	function words(s) { return String(s || "").replace(/_/g, " "); }
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) { e.className = cls; }
		if (text !== undefined) { e.textContent = text; }
		return e;
	}
	function link(href, text) {
		var a = el("a", "", text);
		a.href = href;
		return a;
	}
	function say(text) { state.textContent = text; }

	function stop() {
		if (stream) {
			stream.close();
			stream = null;
		}
		$("alerts-stop").disabled = true;
	}

	// connect opens the stream; area is "lat,lon,radius" or "" for every alert.
	function connect(area) {
		stop();
		var url = "/api/v1/alerts/stream" + (area ? "?area=" + encodeURIComponent(area.replace(/\s+/g, "")) : "");
		var where = area ? "within " + area.split(",")[2].trim() + " m of " + area.split(",").slice(0, 2).join(",").replace(/\s+/g, "") : "everywhere";
		say("Connecting…");
		stream = new EventSource(url);
		$("alerts-stop").disabled = false;
		stream.addEventListener("open", function () { say("Receiving alerts " + where + "."); });
		stream.addEventListener("hazard", function (e) {
			try {
				show(JSON.parse(e.data));
			} catch (err) {
				say("An alert could not be read.");
			}
		});
		stream.addEventListener("error", function () {
			if (!stream) { return; }
			if (stream.readyState === EventSource.CLOSED) {
				// Refused: ask once more to read why (the stream answers a problem document).
				stop();
				fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (res) {
					return res.json();
				}).then(function (p) {
					say("Alerts stopped: " + (p.detail || p.title || "the server refused the stream") + ".");
				}).catch(function () { say("Alerts stopped: the server could not be reached."); });
			} else {
				say("Connection lost; reconnecting…");
			}
		});
	}

	function show(a) {
		var inc = a.incident || {}, loc = inc.location || {};
		var li = el("li", "alert-card");
		li.dataset.incident = inc.id || "";
		var head = el("h3", "alert-head");
		head.appendChild(el("span", "alert-word", "Hazard alert: "));
		head.appendChild(document.createTextNode(words(inc.category) || "incident"));
		li.appendChild(head);
		var when = el("p", "meta", (a.reason === "hazard_added" ? "New hazard where an incident is open · " : "New incident · ") +
			(a.at ? new Date(a.at).toISOString().slice(0, 16).replace("T", " ") + " UTC" : ""));
		li.appendChild(when);
		var where = el("p", "alert-where", "Where: ");
		var place = el("strong", "", loc.lat !== undefined && loc.lat !== null ? loc.lat.toFixed(5) + ", " + loc.lon.toFixed(5) : "location not known");
		where.appendChild(place);
		li.appendChild(where);
		var ul = el("ul", "alert-hazards");
		(a.hazards || []).forEach(function (h) {
			var hi = el("li");
			hi.appendChild(el("span", "hz hz-" + h.type, types[h.type] || words(h.type)));
			hi.appendChild(document.createTextNode(" " + words(h.code) + (h.via && h.via.length ? " · via " + h.via.map(words).join(" → ") : "") +
				(h.since ? " · since " + h.since.slice(0, 10) : "")));
			ul.appendChild(hi);
		});
		li.appendChild(ul);
		var links = el("p", "alert-links");
		if (inc.id) { links.appendChild(link("/incidents/" + encodeURIComponent(inc.id), "Open the incident")); }
		if (loc.id) {
			links.appendChild(document.createTextNode(" · "));
			links.appendChild(link("/records/" + encodeURIComponent(loc.id) + "/hazards", "All hazards at the location"));
		}
		li.appendChild(links);
		list.insertBefore(li, list.firstChild);
		if (navigator.vibrate) { navigator.vibrate([300, 100, 300]); }
		// The address, when the user may read the incident.
		if (inc.id) {
			fetch("/api/v1/incidents/" + encodeURIComponent(inc.id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
				.then(function (res) { return res.ok ? res.json() : null; })
				.then(function (d) {
					if (d && d.location && d.location.label) { place.textContent = d.location.label; }
				}).catch(function () {});
		}
	}

	form.addEventListener("submit", function (e) {
		e.preventDefault();
		areaError.hidden = true;
		areaInput.removeAttribute("aria-invalid");
		var scope = (form.querySelector('input[name="scope"]:checked') || {}).value;
		if (scope === "all") {
			connect("");
		} else if (scope === "area") {
			if (!areaRE.test(areaInput.value)) {
				areaError.textContent = "Enter latitude, longitude and radius in metres, separated by commas.";
				areaError.hidden = false;
				areaInput.setAttribute("aria-invalid", "true");
				areaInput.focus();
				return;
			}
			connect(areaInput.value);
		} else {
			if (!navigator.geolocation) {
				say("This device cannot give its location: type an area instead.");
				return;
			}
			say("Finding where you are…");
			navigator.geolocation.getCurrentPosition(function (pos) {
				var area = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5) + "," + $("f-radius").value;
				areaInput.value = area;
				connect(area);
			}, function (err) {
				say("Your location is not available (" + err.message + "): type an area instead.");
				$("scope-area").checked = true;
				areaInput.focus();
			}, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
		}
	});
	$("alerts-stop").addEventListener("click", function () {
		stop();
		say("Not receiving alerts.");
	});
	say("Not receiving alerts yet: choose which, then Receive alerts.");
	if (areaInput.value && areaRE.test(areaInput.value)) {
		connect(areaInput.value);
	}
})();
