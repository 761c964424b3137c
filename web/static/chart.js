// Peel link chart: cytoscape.js over the JSON API, which only answers what the user may see.
// Loaded by chart.html only. The tables below the chart are the same nodes and links for
// keyboard and screen-reader users; everything the canvas does can be done from them.
(function () {
	"use strict";
	var el = document.getElementById("chart");
	if (!el || typeof window.cytoscape !== "function") {
		return;
	}
	var MAX_NEW = 200; // neighbours added by one expansion
	var DAY = 86400000;
	var colours = { person: "#1d4f91", location: "#00703c", vehicle: "#6f2dbd", telephone: "#a34700", object: "#505a5f", event: "#b10e1e" };
	var shapes = { person: "ellipse", location: "round-rectangle", vehicle: "diamond", telephone: "triangle", object: "hexagon", event: "rectangle" };
	var nodes = {}; // id -> {id, kind, label, refs, when, expanded, pinned, root}
	var edges = {}; // id -> {id, from, to, role, vf, vt, from_text, to_text}
	var selected = null;
	var win = { from: null, to: null, min: null }; // the time window, in ms (null: open)
	var $ = function (id) { return document.getElementById(id); };
	var status = $("chart-status");
	var filters = $("chart-filters");

	var cy = window.cytoscape({
		container: el,
		minZoom: 0.2,
		maxZoom: 3,
		style: [
			{ selector: "node", style: { "label": "data(short)", "background-color": "data(colour)", "shape": "data(shape)", "width": 30, "height": 30,
				"font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "color": "#0b0c0c", "text-wrap": "ellipsis", "text-max-width": "150px",
				"text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": "2px" } },
			{ selector: "node.expanded", style: { "border-width": 3, "border-color": "#0b0c0c" } },
			{ selector: "node.root", style: { "width": 40, "height": 40 } },
			{ selector: "node.pinned", style: { "border-width": 6, "border-style": "double", "border-color": "#0b0c0c" } },
			{ selector: "node:selected", style: { "overlay-color": "#ffdd00", "overlay-opacity": 0.7, "overlay-padding": 8 } },
			{ selector: "edge", style: { "width": 2, "line-color": "#7a8085", "curve-style": "bezier", "target-arrow-shape": "triangle",
				"target-arrow-color": "#7a8085", "label": "data(label)", "font-size": 9, "color": "#333333", "text-rotation": "autorotate",
				"text-background-color": "#ffffff", "text-background-opacity": 0.85 } },
			{ selector: ".hidden", style: { "display": "none" } }
		]
	});

	function say(text) { status.textContent = text; }
	function words(s) { return String(s || "").replace(/_/g, " "); }
	function time(v) {
		if (!v) { return null; }
		var t = Date.parse(v);
		return isNaN(t) ? null : t;
	}
	function day(ms) { return ms === null ? "" : new Date(ms).toISOString().slice(0, 10); }
	function short(s) { return s.length > 40 ? s.slice(0, 39) + "…" : s; }

	// api reads the JSON API with the session cookie (the purpose travels in its own cookie).
	function api(url, opts) {
		opts = opts || {};
		opts.credentials = "same-origin";
		opts.headers = Object.assign({ "Accept": "application/json" }, opts.headers || {});
		return fetch(url, opts).then(function (res) {
			if (res.ok) { return res.json(); }
			return res.json().catch(function () { return {}; }).then(function (p) {
				throw new Error(p.detail || p.title || ("the server answered " + res.status));
			});
		});
	}

	function addNode(n, near) {
		if (nodes[n.id]) { return nodes[n.id]; }
		nodes[n.id] = n;
		var pos = { x: 0, y: 0 };
		if (near) {
			var p = cy.getElementById(near).position();
			var a = Math.random() * 2 * Math.PI;
			pos = { x: p.x + 120 * Math.cos(a), y: p.y + 120 * Math.sin(a) };
		}
		cy.add({ group: "nodes", data: { id: n.id, short: short(n.label), colour: colours[n.kind] || "#505a5f", shape: shapes[n.kind] || "ellipse" }, position: pos });
		return n;
	}

	function addEdge(e) {
		if (edges[e.id]) { return; }
		edges[e.id] = e;
		cy.add({ group: "edges", data: { id: "e-" + e.id, source: e.from, target: e.to, label: words(e.role) } });
	}

	function refresh() {
		Object.keys(nodes).forEach(function (id) {
			var n = nodes[id], c = cy.getElementById(id);
			c.toggleClass("expanded", !!n.expanded);
			c.toggleClass("pinned", !!n.pinned);
			c.toggleClass("root", !!n.root);
			c.data("short", short(n.label));
			if (n.pinned) { c.lock(); } else { c.unlock(); }
		});
		domain();
		apply();
	}

	function layout() {
		cy.elements().not(".hidden").layout({ name: "cose", animate: false, randomize: false, fit: true, padding: 30, nodeDimensionsIncludeLabels: true }).run();
	}

	// expand adds a record's links and the records at their other ends.
	function expand(id) {
		var n = nodes[id];
		if (!n || n.loading) { return; }
		n.loading = true;
		say("Loading the links of " + n.label + "…");
		var rec = api("/api/v1/records/" + encodeURIComponent(id));
		// The traversal gives each neighbour's date (events), which the links alone do not.
		var trav = api("/api/v1/traverse", { method: "POST", headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ start: id, steps: [{}], max_degree: 10000, limit: 1000 }) }).catch(function () { return null; });
		Promise.all([rec, trav]).then(function (res) {
			var r = res[0], info = {};
			((res[1] && res[1].hits) || []).forEach(function (h) { info[h.node.id] = h.node; });
			n.kind = r.kind;
			n.label = r.label || n.label;
			n.refs = r.refs || [];
			if (r.kind === "event") { n.when = time(r.occurred_at || r.reported_at); }
			var added = 0, skipped = 0;
			(r.links || []).forEach(function (l) {
				var o = l.other;
				if (!nodes[o.id]) {
					if (added >= MAX_NEW) { skipped++; return; }
					added++;
					var i = info[o.id] || {};
					addNode({ id: o.id, kind: o.kind, label: o.label, refs: o.refs || [], when: o.kind === "event" ? time(i.when) : null }, id);
				}
				var out = l.direction === "out";
				addEdge({ id: l.id, from: out ? id : o.id, to: out ? o.id : id, role: l.role,
					vf: time(l.valid_from), vt: time(l.valid_to), from_text: l.valid_from || "", to_text: l.valid_to || "" });
			});
			n.expanded = true;
			refresh();
			layout();
			var msg = n.label + ": " + (r.links || []).length + " links, " + added + " records added.";
			if (skipped) { msg += " " + skipped + " more are not shown; expand fewer records at a time."; }
			say(msg);
		}).catch(function (e) {
			say("Could not load the links of " + n.label + ": " + e.message);
		}).then(function () {
			n.loading = false;
			el.dataset.nodes = String(Object.keys(nodes).length);
			el.dataset.ready = "1";
		});
	}

	// domain sets the time sliders' range from the dates on the chart.
	function domain() {
		var min = null, max = null;
		function see(t) {
			if (t === null || t === undefined) { return; }
			min = min === null ? t : Math.min(min, t);
			max = max === null ? t : Math.max(max, t);
		}
		Object.keys(edges).forEach(function (k) { see(edges[k].vf); see(edges[k].vt); });
		Object.keys(nodes).forEach(function (k) { see(nodes[k].when); });
		var f = $("chart-from"), t = $("chart-to");
		if (min === null) {
			f.disabled = t.disabled = true;
			return;
		}
		var atStart = f.disabled || f.value === f.min, atEnd = t.disabled || t.value === t.max;
		var days = Math.max(1, Math.ceil((max - min) / DAY));
		win.min = Math.floor(min / DAY) * DAY;
		$("chart-window").dataset.min = day(win.min);
		f.max = t.max = String(days);
		f.disabled = t.disabled = false;
		// Keep the window the user chose; an untouched slider follows the new range.
		f.value = atStart || win.from === null ? "0" : String(Math.round((win.from - win.min) / DAY));
		t.value = atEnd || win.to === null ? String(days) : String(Math.round((win.to - win.min) / DAY));
		readWindow();
	}

	function readWindow() {
		var f = $("chart-from"), t = $("chart-to"), out = $("chart-window");
		if (f.disabled) {
			win.from = win.to = null;
			out.textContent = "All times (nothing on the chart has a date)";
			return;
		}
		var a = Number(f.value), b = Number(t.value);
		if (a > b) { var x = a; a = b; b = x; }
		win.from = a === 0 ? null : win.min + a * DAY;
		win.to = b === Number(t.max) ? null : win.min + (b + 1) * DAY;
		out.textContent = (win.from === null ? "From the start" : "From " + day(win.from)) + " " +
			(win.to === null ? "to the end" : "to " + day(win.to - DAY));
	}

	function checkedSet(name) {
		var on = {}, all = {};
		filters.querySelectorAll('input[name="' + name + '"]').forEach(function (c) {
			all[c.value] = true;
			if (c.checked) { on[c.value] = true; }
		});
		return { on: on, all: all };
	}

	// apply hides what the filters leave out: kinds, roles (roles not listed always show), links
	// not valid in the window, events outside it, and records left with nothing shown.
	function apply() {
		var kinds = checkedSet("kind"), roles = checkedSet("role");
		var degree = {};
		Object.keys(nodes).forEach(function (id) {
			var n = nodes[id];
			n.ok = !!kinds.on[n.kind] || !kinds.all[n.kind];
			if (n.ok && n.when !== null && n.when !== undefined && ((win.from !== null && n.when < win.from) || (win.to !== null && n.when >= win.to))) {
				n.ok = false;
			}
			degree[id] = 0;
		});
		cy.batch(function () {
			Object.keys(edges).forEach(function (k) {
				var e = edges[k];
				var ok = nodes[e.from].ok && nodes[e.to].ok && (!!roles.on[e.role] || !roles.all[e.role]) &&
					(win.to === null || e.vf === null || e.vf < win.to) && (win.from === null || e.vt === null || e.vt > win.from);
				e.shown = ok;
				if (ok) { degree[e.from]++; degree[e.to]++; }
				cy.getElementById("e-" + k).toggleClass("hidden", !ok);
			});
			Object.keys(nodes).forEach(function (id) {
				var n = nodes[id];
				n.shown = n.ok && (n.root || n.pinned || degree[id] > 0);
				n.degree = degree[id];
				cy.getElementById(id).toggleClass("hidden", !n.shown);
			});
		});
		if (selected && !nodes[selected].shown) { select(null); }
		tables();
	}

	function shownNodes() {
		return Object.keys(nodes).map(function (k) { return nodes[k]; }).filter(function (n) { return n.shown; })
			.sort(function (a, b) { return (b.root ? 1 : 0) - (a.root ? 1 : 0) || a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label); });
	}

	function cell(tr, text, tag) {
		var c = document.createElement(tag || "td");
		if (tag === "th") { c.scope = "row"; }
		if (text instanceof Node) { c.appendChild(text); } else { c.textContent = text; }
		tr.appendChild(c);
		return c;
	}

	function button(act, id, text, label, pressed) {
		var b = document.createElement("button");
		b.type = "button";
		b.dataset.act = act;
		b.dataset.id = id;
		b.textContent = text;
		var vh = document.createElement("span");
		vh.className = "vh";
		vh.textContent = " " + label;
		b.appendChild(vh);
		if (pressed !== undefined) { b.setAttribute("aria-pressed", pressed ? "true" : "false"); }
		return b;
	}

	function recordLink(n) {
		var a = document.createElement("a");
		a.href = "/records/" + encodeURIComponent(n.id);
		a.textContent = n.label;
		return a;
	}

	// tables lists what the chart shows, with the chart's actions on each record.
	function tables() {
		var active = document.activeElement, focusAct = null, focusID = null;
		if (active && active.dataset && active.dataset.act && $("chart-nodes").contains(active)) {
			focusAct = active.dataset.act;
			focusID = active.dataset.id;
		}
		var nb = $("chart-nodes").tBodies[0], eb = $("chart-edges").tBodies[0];
		nb.textContent = "";
		eb.textContent = "";
		shownNodes().forEach(function (n) {
			var tr = document.createElement("tr");
			tr.dataset.id = n.id;
			if (n.id === selected) { tr.className = "selected"; }
			cell(tr, recordLink(n), "th");
			cell(tr, n.kind);
			cell(tr, n.when !== null && n.when !== undefined ? day(n.when) : "");
			cell(tr, String(n.degree));
			var acts = cell(tr, "");
			acts.className = "acts";
			if (!n.expanded) { acts.appendChild(button("expand", n.id, "Expand", n.label)); }
			acts.appendChild(button("pin", n.id, "Pin", n.label, !!n.pinned));
			if (!n.root) { acts.appendChild(button("remove", n.id, "Remove", n.label)); }
			nb.appendChild(tr);
		});
		Object.keys(edges).forEach(function (k) {
			var e = edges[k];
			if (!e.shown) { return; }
			var tr = document.createElement("tr");
			cell(tr, recordLink(nodes[e.from]));
			cell(tr, words(e.role));
			cell(tr, recordLink(nodes[e.to]));
			cell(tr, e.from_text);
			cell(tr, e.to_text);
			eb.appendChild(tr);
		});
		if (focusAct) {
			var b = nb.querySelector('button[data-id="' + CSS.escape(focusID) + '"][data-act="' + focusAct + '"]') ||
				nb.querySelector('tr[data-id="' + CSS.escape(focusID) + '"] a');
			if (b) { b.focus(); }
		}
		el.dataset.nodes = String(Object.keys(nodes).length);
		el.dataset.shown = String(nb.rows.length);
	}

	function select(id) {
		selected = id;
		cy.nodes(":selected").unselect();
		var has = !!id;
		$("chart-expand").disabled = !has || nodes[id].expanded;
		$("chart-pin").disabled = !has;
		$("chart-remove").disabled = !has || nodes[id].root;
		$("chart-pin").setAttribute("aria-pressed", has && nodes[id].pinned ? "true" : "false");
		if (!has) { return; }
		var n = nodes[id];
		cy.getElementById(id).select();
		say(n.label + ", " + n.kind + ", " + (n.degree || 0) + " links shown" + (n.expanded ? "" : ", press Enter to show its links") + (n.pinned ? ", pinned" : "") + ".");
	}

	function pin(id) {
		var n = nodes[id];
		n.pinned = !n.pinned;
		refresh();
		if (selected === id) { select(id); }
		say(n.label + (n.pinned ? " pinned: it stays where it is and stays shown." : " unpinned."));
	}

	function remove(id) {
		var n = nodes[id];
		if (!n || n.root) { return; }
		Object.keys(edges).forEach(function (k) {
			if (edges[k].from === id || edges[k].to === id) { delete edges[k]; }
		});
		cy.getElementById(id).remove();
		delete nodes[id];
		if (selected === id) { select(null); }
		refresh();
		say(n.label + " removed from the chart.");
	}

	// Exports: a picture, and entity and link files Analyst's Notebook can import.
	function download(blob, name) {
		var a = document.createElement("a"), url = URL.createObjectURL(blob);
		a.href = url;
		a.download = name;
		document.body.appendChild(a);
		a.click();
		a.remove();
		setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
	}

	function csv(v) {
		v = v === null || v === undefined ? "" : String(v);
		// Spreadsheets run cells that start like a formula; a signed number is left alone.
		if (/^[=@\t\r]/.test(v) || (/^[+-]/.test(v) && !/^[+-][\d ]+$/.test(v))) { v = "'" + v; }
		return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
	}

	function csvFile(rows) {
		return new Blob([rows.map(function (r) { return r.map(csv).join(","); }).join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
	}

	var base = "peel-chart-" + el.dataset.start;
	$("chart-png").addEventListener("click", function () {
		download(cy.png({ output: "blob", bg: "#ffffff", full: true, scale: 2 }), base + ".png");
	});
	$("chart-entities").addEventListener("click", function () {
		var rows = [["id", "kind", "label", "refs"]];
		shownNodes().forEach(function (n) {
			rows.push([n.id, n.kind, n.label, (n.refs || []).map(function (r) { return r.source + ":" + r.ref; }).join("; ")]);
		});
		download(csvFile(rows), base + "-entities.csv");
	});
	$("chart-links").addEventListener("click", function () {
		var rows = [["from_id", "to_id", "role", "valid_from", "valid_to"]];
		Object.keys(edges).forEach(function (k) {
			var e = edges[k];
			if (e.shown) { rows.push([e.from, e.to, e.role, e.from_text, e.to_text]); }
		});
		download(csvFile(rows), base + "-links.csv");
	});
	$("chart-fit").addEventListener("click", function () { cy.fit(cy.elements().not(".hidden"), 30); });
	$("chart-expand").addEventListener("click", function () { if (selected) { expand(selected); } });
	$("chart-pin").addEventListener("click", function () { if (selected) { pin(selected); } });
	$("chart-remove").addEventListener("click", function () { if (selected) { remove(selected); } });
	$("roles-all").addEventListener("click", function () { setRoles(true); });
	$("roles-none").addEventListener("click", function () { setRoles(false); });
	function setRoles(on) {
		filters.querySelectorAll('input[name="role"]').forEach(function (c) { c.checked = on; });
		apply();
	}
	filters.addEventListener("change", function () { readWindow(); apply(); });
	filters.addEventListener("input", function (e) {
		if (e.target.type === "range") { readWindow(); apply(); }
	});
	filters.addEventListener("submit", function (e) { e.preventDefault(); });

	$("chart-nodes").addEventListener("click", function (e) {
		var b = e.target.closest("button[data-act]");
		if (!b) { return; }
		var id = b.dataset.id;
		if (b.dataset.act === "expand") { expand(id); } else if (b.dataset.act === "pin") { pin(id); } else if (b.dataset.act === "remove") { remove(id); }
	});

	cy.on("tap", "node", function (e) {
		var id = e.target.id();
		select(id);
		if (!nodes[id].expanded) { expand(id); }
	});
	cy.on("tap", function (e) { if (e.target === cy) { select(null); } });

	el.addEventListener("keydown", function (e) {
		var list = shownNodes(), i = -1;
		list.forEach(function (n, j) { if (n.id === selected) { i = j; } });
		switch (e.key) {
		case "ArrowRight":
		case "ArrowDown":
			if (list.length) { select(list[(i + 1) % list.length].id); }
			break;
		case "ArrowLeft":
		case "ArrowUp":
			if (list.length) { select(list[(i - 1 + list.length) % list.length].id); }
			break;
		case "Enter":
		case " ":
			if (selected) { expand(selected); } else if (list.length) { select(list[0].id); }
			break;
		case "p":
		case "P":
			if (selected) { pin(selected); }
			break;
		case "Delete":
		case "Backspace":
			if (selected) { remove(selected); }
			break;
		case "Escape":
			select(null);
			break;
		default:
			return;
		}
		e.preventDefault();
		tables();
	});

	var root = addNode({ id: el.dataset.start, kind: el.dataset.kind, label: el.dataset.label, refs: [], when: null, root: true });
	refresh();
	expand(root.id);
})();
