// The map of reads and alarms (map.html): reads at one place share a marker, nearby places gather into a cluster
// until zoomed in, a heat map on request, each read's plate image in its popup (fetched, and logged, only when the
// popup opens), and without a tile server a plain background with a graticule and the reads' extent.
// Data come from the page: <script type="application/json" id="map-data"> and the #map element's data attributes.
"use strict";
(function () {
  const el = document.getElementById("map");
  const DATA = JSON.parse(document.getElementById("map-data").textContent);  // null before a search
  const TILES = el.dataset.tiles || "";
  const CENTRE = [Number(el.dataset.centreLat), Number(el.dataset.centreLon)];
  // No drawing past the map's edge; a closed popup leaves at once (a fading one would stand over the next).
  const map = L.map("map", {renderer: L.svg({padding: 0}), fadeAnimation: false});
  window.platewatchLeaflet = map;
  if (TILES) L.tileLayer(TILES, {maxZoom: 19, attribution: el.dataset.attribution || ""}).addTo(map);
  L.control.scale().addTo(map);
  const alarmsOnly = document.getElementById("alarms-only");
  const heatBox = document.getElementById("heat-map");
  const LISTED = 50, WITH_IMAGES = 3, CLUSTER_PX = 20;  // places nearer than this overlap: one cluster
  const hasAlarm = (f) => f.properties.alarms.length > 0;
  window.platewatchMap = {points: 0, alarms: 0, places: 0, clusters: 0, heat: 0};

  // Reads at one place (a trailer, a fixed camera, a car parked at a light) share one marker: their count on it, and
  // its popup lists them, alarms first, then the newest; one marker per read would hide all but the top one.
  function places(features) {
    const at = new Map();
    for (const f of features) {
      const [lon, lat] = f.geometry.coordinates, key = lat.toFixed(5) + "," + lon.toFixed(5);
      if (!at.has(key)) at.set(key, []);
      at.get(key).push(f);
    }
    const order = (a, b) => hasAlarm(b) - hasAlarm(a) || b.properties.captured_at.localeCompare(a.properties.captured_at);
    return [...at.values()].map(here => here.sort(order)).sort((a, b) => hasAlarm(a[0]) - hasAlarm(b[0]));  // alarms on top
  }

  // Places closer than CLUSTER_PX on the screen gather into one cluster at this zoom (alarms' places first, so a
  // cluster is red when any of its places has an alarm); a cluster of one place is that place's own marker.
  function clusters(spots) {
    const out = [];
    for (const here of [...spots].sort((a, b) => hasAlarm(b[0]) - hasAlarm(a[0]))) {
      const [lon, lat] = here[0].geometry.coordinates, p = map.latLngToLayerPoint([lat, lon]);
      const near = out.find(c => c.point.distanceTo(p) < CLUSTER_PX);
      if (near) near.places.push(here); else out.push({point: p, places: [here]});
    }
    return out;
  }

  function readLine(p, withImage) {
    const line = document.createElement("div"), link = document.createElement("a");
    link.href = p.url; link.textContent = p.plate; link.className = "plate";
    if (withImage && p.plate_image_url) {  // set only now the popup opens: viewing an image is an access, logged
      const img = document.createElement("img");
      img.className = "crop"; img.src = p.plate_image_url; img.alt = "plate image of " + p.plate;
      img.width = 96; img.height = 30;
      line.append(img, document.createElement("br"));
    }
    line.append(link, " " + new Date(p.captured_at).toLocaleString() + " · " + p.unit + " / " + p.camera);
    for (const a of p.alarms) {
      const hit = document.createElement("div");
      hit.className = "alarm"; hit.textContent = a.list + ": " + a.category_words + " (" + a.status.replaceAll("_", " ") + ")";
      line.append(hit);
    }
    return line;
  }

  function placePopup(here) {
    const box = document.createElement("div");
    if (here.length > 1) {
      const alarms = here.filter(hasAlarm).length, title = document.createElement("strong");
      title.className = "place";
      title.textContent = here.length + " reads here" + (alarms ? ", " + alarms + " with an alarm" : "");
      box.append(title);
    }
    here.slice(0, LISTED).forEach((f, i) => box.append(readLine(f.properties, i < WITH_IMAGES)));
    if (here.length > LISTED) {
      const more = document.createElement("div");
      more.className = "muted"; more.textContent = "and " + (here.length - LISTED) + " more: narrow the time window to list them";
      box.append(more);
    }
    return box;
  }

  function placeMarker(here) {
    const [lon, lat] = here[0].geometry.coordinates, alarmed = hasAlarm(here[0]), many = here.length > 1;
    const marker = L.circleMarker([lat, lon], {radius: many ? 10 + Math.min(8, 2 * Math.log2(here.length)) : alarmed ? 8 : 5,
      weight: 1, color: alarmed ? "#b71c1c" : "#37474f", fillOpacity: .8, fillColor: alarmed ? "#e53935" : "#78909c"});
    if (many) marker.bindTooltip(String(here.length), {permanent: true, direction: "center", className: "map-count"});
    marker.bindPopup(() => placePopup(here), {maxHeight: 320});
    return marker;
  }

  function clusterMarker(cluster) {
    const reads = cluster.places.reduce((n, here) => n + here.length, 0);
    const alarms = cluster.places.reduce((n, here) => n + here.filter(hasAlarm).length, 0);
    const bounds = L.latLngBounds(cluster.places.map(here => [here[0].geometry.coordinates[1], here[0].geometry.coordinates[0]]));
    const marker = L.circleMarker(bounds.getCenter(), {radius: 14 + Math.min(10, 2 * Math.log2(reads)), weight: 2,
      color: alarms ? "#b71c1c" : "#263238", fillOpacity: .85, fillColor: alarms ? "#c62828" : "#546e7a", className: "map-cluster"});
    marker.bindTooltip(String(reads), {permanent: true, direction: "center", className: "map-count"});
    marker.bindPopup(() => {
      const box = document.createElement("div"), title = document.createElement("strong"), zoom = document.createElement("button");
      title.className = "cluster";
      title.textContent = reads + " reads at " + cluster.places.length + " places nearby" + (alarms ? ", " + alarms + " with an alarm" : "");
      zoom.type = "button"; zoom.className = "zoom-in"; zoom.textContent = "Zoom in to them";
      zoom.addEventListener("click", () => map.fitBounds(bounds, {padding: [40, 40], maxZoom: 18, animate: false}));
      box.append(title, document.createElement("br"), zoom);
      return box;
    });
    return marker;
  }

  // The heat map: each read a soft spot, alarms weighing three times, summed on a canvas and coloured blue to red.
  const Heat = L.Layer.extend({
    onAdd(m) {
      this._canvas = L.DomUtil.create("canvas", "heat-map leaflet-zoom-hide");
      this._canvas.style.pointerEvents = "none";
      m.getPanes().overlayPane.appendChild(this._canvas);
      m.on("moveend zoomend", this._draw, this);
      this._draw();
    },
    onRemove(m) {
      m.off("moveend zoomend", this._draw, this);
      this._canvas.remove();
    },
    setFeatures(features) { this._features = features; if (this._map) this._draw(); },
    _draw() {
      const size = this._map.getSize(), canvas = this._canvas, radius = 22;
      L.DomUtil.setPosition(canvas, this._map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x; canvas.height = size.y;
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, size.x, size.y);
      let drawn = 0;
      for (const f of this._features || []) {
        const [lon, lat] = f.geometry.coordinates, p = this._map.latLngToContainerPoint([lat, lon]);
        if (p.x < -radius || p.y < -radius || p.x > size.x + radius || p.y > size.y + radius) continue;
        const g = ctx.createRadialGradient(p.x, p.y, 0, p.x, p.y, radius);
        g.addColorStop(0, "rgba(0,0,0," + (hasAlarm(f) ? 0.6 : 0.2) + ")");
        g.addColorStop(1, "rgba(0,0,0,0)");
        ctx.fillStyle = g;
        ctx.fillRect(p.x - radius, p.y - radius, 2 * radius, 2 * radius);
        drawn += 1;
      }
      if (size.x > 0 && size.y > 0) {
        const image = ctx.getImageData(0, 0, size.x, size.y), px = image.data;
        for (let i = 0; i < px.length; i += 4) {
          const a = px[i + 3] / 255;
          if (a === 0) continue;
          px[i] = Math.round(255 * Math.min(1, 2 * a));       // red grows first
          px[i + 1] = Math.round(255 * Math.max(0, 1 - Math.abs(2 * a - 1)));  // yellow in the middle
          px[i + 2] = Math.round(255 * Math.max(0, 1 - 2 * a));  // blue where reads are few
          px[i + 3] = Math.round(255 * Math.min(0.85, 0.25 + a));
        }
        ctx.putImageData(image, 0, 0);
      }
      window.platewatchMap.heat = drawn;
    },
  });

  // Without a tile server: a graticule at a round step for the zoom, labelled, and the reads' extent dashed.
  function graticule() {
    const lines = L.layerGroup().addTo(map);
    const steps = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002];
    function redraw() {
      lines.clearLayers();
      const b = map.getBounds(), span = Math.max(b.getNorth() - b.getSouth(), b.getEast() - b.getWest());
      const step = steps.find(s => span / s >= 3) || steps[steps.length - 1];
      const digits = Math.max(0, Math.ceil(-Math.log10(step)));
      const style = {color: "#90a4ae", weight: 1, opacity: .7, interactive: false};
      for (let lat = Math.ceil(b.getSouth() / step) * step; lat <= b.getNorth(); lat += step) {
        lines.addLayer(L.polyline([[lat, b.getWest()], [lat, b.getEast()]], style));
        lines.addLayer(L.marker([lat, b.getWest()], {interactive: false, keyboard: false, icon: L.divIcon({
          className: "grid-label", html: lat.toFixed(digits) + "°", iconSize: null, iconAnchor: [-2, 14]})}));
      }
      for (let lon = Math.ceil(b.getWest() / step) * step; lon <= b.getEast(); lon += step) {
        lines.addLayer(L.polyline([[b.getSouth(), lon], [b.getNorth(), lon]], style));
        lines.addLayer(L.marker([b.getSouth(), lon], {interactive: false, keyboard: false, icon: L.divIcon({
          className: "grid-label", html: lon.toFixed(digits) + "°", iconSize: null, iconAnchor: [-2, 14]})}));
      }
      window.platewatchMap.grid = step;
    }
    map.on("moveend zoomend", redraw);
    return redraw;
  }

  let layer = null, extent = null;
  const heat = new Heat();
  const redrawGrid = TILES ? null : graticule();

  function features() {
    return DATA ? DATA.features.filter(f => !alarmsOnly || !alarmsOnly.checked || hasAlarm(f)) : [];
  }

  function drawMarkers() {
    if (layer) { map.closePopup(); layer.remove(); }  // a popup of a marker drawn anew would be left behind
    const shown = features(), spots = places(shown), groups = clusters(spots);
    layer = L.featureGroup();
    for (const c of groups) (c.places.length > 1 ? clusterMarker(c) : placeMarker(c.places[0])).addTo(layer);
    if (!heatBox || !heatBox.checked) layer.addTo(map);
    window.platewatchMap = {...window.platewatchMap, points: shown.length, alarms: shown.filter(hasAlarm).length,
      places: spots.length, clusters: groups.filter(c => c.places.length > 1).length};
  }

  let fitting = false;  // the view is being set by `draw`, which draws the markers itself once it is

  function draw() {
    const shown = features();
    fitting = true;
    heat.setFeatures(shown);
    if (extent) extent.remove();
    extent = null;
    // No zoom animation: the markers stay where they are drawn, so a click right after a redraw lands on one.
    if (shown.length) {
      const bounds = L.latLngBounds(shown.map(f => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
      map.fitBounds(bounds, {padding: [20, 20], maxZoom: 17, animate: false});
      if (!TILES && shown.length > 1) {
        extent = L.rectangle(bounds, {color: "#455a64", weight: 1, dashArray: "6 4", fill: false, interactive: false}).addTo(map);
      }
    } else {
      map.setView(CENTRE, 13, {animate: false});
    }
    fitting = false;
    drawMarkers();
    if (redrawGrid) redrawGrid();
  }

  map.on("zoomend", () => { if (!fitting) drawMarkers(); });  // clusters are made for the zoom they are seen at
  if (alarmsOnly) alarmsOnly.addEventListener("change", draw);
  if (heatBox) heatBox.addEventListener("change", () => {
    if (heatBox.checked) { heat.addTo(map); if (layer) layer.remove(); }
    else { heat.remove(); if (layer) layer.addTo(map); }
  });
  draw();
  const areaButton = document.getElementById("area-button");
  if (areaButton) areaButton.addEventListener("click", () => {
    const b = map.getBounds(), f = (v) => v.toFixed(5);
    document.getElementById("bbox").value = [f(b.getSouth()), f(b.getWest()), f(b.getNorth()), f(b.getEast())].join(",");
    for (const id of ["polygon", "area"]) { const field = document.getElementById(id); if (field) field.value = ""; }
    (document.getElementById("map-form") || document.querySelector("main form")).submit();
  });
})();
