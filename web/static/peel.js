// Peel's own script: small enhancements only; every page works without it.
(function () {
	"use strict";
	// Move focus to a form's error summary so screen readers and keyboards start there.
	function focusSummary() {
		var s = document.querySelector(".error-summary");
		if (s) {
			s.focus();
		}
	}
	// Close an open menu when focus or a click leaves it, and on Escape.
	function closeMenus(except) {
		document.querySelectorAll("details.menu[open]").forEach(function (d) {
			if (d !== except) {
				d.removeAttribute("open");
			}
		});
	}
	document.addEventListener("DOMContentLoaded", focusSummary);
	document.addEventListener("click", function (e) {
		closeMenus(e.target.closest ? e.target.closest("details.menu") : null);
	});
	document.addEventListener("keydown", function (e) {
		if (e.key === "Escape") {
			var open = document.querySelector("details.menu[open]");
			if (open) {
				open.removeAttribute("open");
				open.querySelector("summary").focus();
			}
		}
	});
})();
