// Peel map: Leaflet over the places the page lists (data-places). Without a tile URL it draws
// the points on a plain background with a scale, so it still works offline. Loaded by map.html.
(function () {
	"use strict";
	var el = document.getElementById("map");
	if (!el || !window.L) {
		return;
	}
	var places;
	try {
		places = JSON.parse(el.dataset.places || "[]");
	} catch (e) {
		return;
	}
	var colours = { location: "#00703c", event: "#b10e1e" };
	var map = window.L.map(el, { attributionControl: !!el.dataset.tiles });
	if (el.dataset.tiles) {
		window.L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
	} else {
		el.classList.add("no-tiles");
	}
	window.L.control.scale({ metric: true, imperial: false }).addTo(map);
	var bounds = [];
	places.forEach(function (p) {
		if (typeof p.lat !== "number" || typeof p.lon !== "number") {
			return;
		}
		var m = window.L.circleMarker([p.lat, p.lon], { radius: p.kind === "location" ? 9 : 6, color: "#0b0c0c", weight: 2,
			fillColor: colours[p.kind] || "#1d4f91", fillOpacity: 0.9 }).addTo(map);
		// The popup is built from text nodes: labels come from records, never as HTML.
		var box = document.createElement("div");
		var a = document.createElement("a");
		a.href = "/records/" + encodeURIComponent(p.id);
		a.textContent = p.label;
		box.appendChild(a);
		var how = document.createElement("div");
		how.textContent = p.kind + (p.how ? " · " + p.how : "") + (p.when ? " · " + p.when : "");
		box.appendChild(how);
		m.bindPopup(box);
		var tip = document.createElement("span");
		tip.textContent = p.label;
		m.bindTooltip(tip);
		bounds.push([p.lat, p.lon]);
	});
	if (bounds.length === 1) {
		map.setView(bounds[0], 16);
	} else if (bounds.length > 1) {
		map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
	} else {
		map.setView([54, -2], 5);
	}
	el.dataset.ready = String(bounds.length);
})();
