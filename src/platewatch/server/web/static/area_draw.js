// Drawing a search area on a Leaflet map (issue 24 item 8): a rectangle by two corners, or a polygon by its corners
// (a double-click or "Finish the polygon" closes it). The drawn corners fill the form's `polygon` field as
// "lat,lon;lat,lon;…", the same text a person may type instead; a saved area chosen by name is shown on the map.
// Loaded as a file of the server's (the pages' Content-Security-Policy runs no other script); it finds the map in
// `window.platewatchLeaflet`, which the page's own script made.
(function () {
  "use strict";
  const holder = document.getElementById("map");
  if (!window.platewatchLeaflet && holder && holder.dataset.lat) {  // a page with no map script of its own
    const m = L.map(holder, {renderer: L.svg({padding: 0})}).setView([Number(holder.dataset.lat), Number(holder.dataset.lon)], 13);
    if (holder.dataset.tiles) L.tileLayer(holder.dataset.tiles, {maxZoom: 19, attribution: holder.dataset.attribution}).addTo(m);
    L.control.scale().addTo(m);
    window.platewatchLeaflet = m;
  }
  const map = window.platewatchLeaflet;
  const field = document.getElementById("polygon");
  if (!map || !field) return;
  const $ = (id) => document.getElementById(id);
  const status = $("draw-status"), bbox = $("bbox"), chosen = $("area"), saved = $("save-polygon");
  const finishButton = $("draw-finish");
  const STYLE = {color: "#1f4e8c", weight: 2, fillOpacity: 0.08};
  let mode = null, corners = [], shape = null;

  const text = (pts) => pts.map(p => p[0].toFixed(6) + "," + p[1].toFixed(6)).join(";");
  const say = (words) => { if (status) status.textContent = words; };

  function parse(value) {
    const pts = [];
    for (const pair of (value || "").split(";")) {
      const [lat, lon] = pair.split(",").map(Number);
      if (pair.trim() && Number.isFinite(lat) && Number.isFinite(lon)) pts.push([lat, lon]);
    }
    return pts;
  }

  function show(pts, closed) {
    if (shape) shape.remove();
    shape = null;
    if (!pts.length) return;
    shape = (closed ? L.polygon(pts, STYLE) : L.polyline(pts, STYLE)).addTo(map);
  }

  function setMode(next) {
    mode = next;
    corners = [];
    map.getContainer().style.cursor = next ? "crosshair" : "";
    if (next) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
    if (finishButton) finishButton.disabled = next !== "polygon";
  }

  function done(pts) {
    // A double-click is two clicks first: the same corner twice in a row counts once.
    const unique = pts.filter((p, i) => i === 0 || p[0] !== pts[i - 1][0] || p[1] !== pts[i - 1][1]);
    if (unique.length < 3) { say("An area needs at least three corners: click on the map to add more."); return; }
    field.value = text(unique);
    if (saved) saved.value = field.value;
    if (bbox) bbox.value = "";
    if (chosen) chosen.value = "";
    setMode(null);
    show(unique, true);
    map.fitBounds(shape.getBounds(), {padding: [20, 20], animate: false});
    say("Area drawn with " + unique.length + " corners. Search in it, or give it a name and save it.");
    window.platewatchDrawn = unique;
  }

  map.on("click", (e) => {
    if (!mode) return;
    corners.push([e.latlng.lat, e.latlng.lng]);
    if (mode === "rectangle" && corners.length === 2) {
      const [a, b] = corners;
      const s = Math.min(a[0], b[0]), n = Math.max(a[0], b[0]), w = Math.min(a[1], b[1]), east = Math.max(a[1], b[1]);
      done([[s, w], [s, east], [n, east], [n, w]]);
      return;
    }
    show(corners, false);
    say(mode === "rectangle" ? "Now click the opposite corner." :
      corners.length + " corner(s): click the next, double-click or choose Finish to close the polygon.");
  });
  map.on("dblclick", () => { if (mode === "polygon") done(corners); });

  $("draw-rectangle").addEventListener("click", () => { setMode("rectangle"); show([], false); say("Click one corner of the rectangle on the map."); });
  $("draw-polygon").addEventListener("click", () => { setMode("polygon"); show([], false); say("Click the polygon's corners on the map."); });
  if (finishButton) finishButton.addEventListener("click", () => done(corners));
  $("draw-clear").addEventListener("click", () => {
    setMode(null); show([], false); field.value = ""; if (saved) saved.value = ""; say("No area drawn.");
  });
  field.addEventListener("change", () => { const pts = parse(field.value); show(pts, pts.length >= 3); if (saved) saved.value = field.value; });
  if (chosen) chosen.addEventListener("change", () => {
    const option = chosen.selectedOptions[0];
    const pts = parse(option ? option.dataset.polygon : "");
    if (pts.length >= 3) { field.value = ""; show(pts, true); map.fitBounds(shape.getBounds(), {padding: [20, 20], animate: false}); }
    else show([], false);
  });

  setMode(null);
  const start = parse(field.value);
  if (start.length >= 3) show(start, true);
  else if (chosen && chosen.value) chosen.dispatchEvent(new Event("change"));
})();
