/* COCOCI Formación: the only script of the public site. Every page works
   without it; with it, the site installs as an app (sw.js), a course can be
   saved on the phone for studying offline, and what was done offline is sent
   when the connection comes back. Texts come from the page (gettext). */
(() => {
  "use strict";
  const worker = navigator.serviceWorker;
  if (!worker || !window.caches) return;
  // After the page has loaded, so that installing it never delays the page.
  addEventListener("load", () => worker.register("/sw.js").catch(() => {}));

  const PERSONAL = "cococi-u-";
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
  const textsNode = document.getElementById("textos-sin-conexion");
  const T = textsNode ? JSON.parse(textsNode.textContent) : {};
  const fill = (text, ...values) => values.reduce((out, value) => out.replace("%s", value), text || "");
  const kb = (bytes) => Math.max(1, Math.round(bytes / 1024)).toLocaleString("es-MX") + " KB";
  const note = document.querySelector("[data-offline-note]");
  const say = (...lines) => {
    if (!note) return;
    note.replaceChildren(...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
    note.hidden = false;
  };
  // Read without opening: opening a cache that does not exist creates it.
  const json = async (cacheName, key) => {
    const hit = await caches.match(key, { cacheName });
    return hit ? hit.json() : null;
  };

  async function storedOwner() {
    const stored = await caches.match("/__dueno", { cacheName: "cococi-meta" });
    return stored ? stored.text() : "";
  }

  // This phone's data is now `who`'s: another person's pages and queue are
  // deleted (the worker does the same when it fetches a page of `who`'s).
  async function claim(who) {
    for (const name of await caches.keys()) {
      if (name.startsWith(PERSONAL) && !name.startsWith(PERSONAL + who + "-")) await caches.delete(name);
    }
    const meta = await caches.open("cococi-meta");
    await meta.delete("/__resultado");
    await meta.put("/__dueno", new Response(who));
  }

  async function ownerNow() {
    return meta("cococi-dueno") || storedOwner();
  }

  async function savedCourses(who) {
    const list = [];
    for (const name of await caches.keys()) {
      if (!who || !name.startsWith(PERSONAL + who + "-c")) continue;
      const info = await json(name, "/__curso");
      if (info) list.push(Object.assign(info, { name }));
    }
    return list.sort((a, b) => a.title.localeCompare(b.title, "es"));
  }

  // Saves, or brings up to date, a course: only what changed is fetched.
  async function store(manifest, name, progress) {
    const answer = await fetch(manifest, { credentials: "same-origin" });
    if (answer.status === 404) {
      await caches.delete(name);
      return null;
    }
    if (!answer.ok) throw new Error("manifest");
    const plan = await answer.json();
    const cache = await caches.open(name);
    const before = (await json(name, "/__curso")) || { versions: {}, sizes: {} };
    const sizes = {};
    const versions = {};
    let done = 0;
    for (const entry of plan.entries) {
      if (before.versions[entry.url] !== entry.version || !(await cache.match(entry.url))) {
        const response = await fetch(entry.url, { credentials: "same-origin" });
        // An image that is gone is left out; a page that cannot be had is a failure.
        if (response.status === 404 && entry.url.startsWith("/media/")) continue;
        if (!response.ok) throw new Error("entry");
        sizes[entry.url] = (await response.clone().blob()).size;
        await cache.put(entry.url, response);
      } else {
        sizes[entry.url] = before.sizes[entry.url] || 0;
      }
      versions[entry.url] = entry.version;
      if (progress) progress(++done, plan.entries.length, plan.bytes);
    }
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path !== "/__curso" && !(path in versions)) await cache.delete(request);
    }
    const bytes = Object.values(sizes).reduce((sum, size) => sum + size, 0);
    const info = { title: plan.course.title, url: plan.course.url, manifest, generation: plan.generation, bytes, sizes, versions };
    await cache.put("/__curso", new Response(JSON.stringify(info)));
    return info;
  }

  async function saveBox(box, who) {
    const button = box.querySelector("[data-save]");
    const bar = box.querySelector("progress");
    const status = box.querySelector("[data-status]");
    const name = PERSONAL + who + "-c" + box.dataset.course;
    const show = (info) => {
      status.textContent = info ? fill(T.saved, kb(info.bytes)) : "";
      button.textContent = info ? T.update : T.save;
    };
    show(await json(name, "/__curso"));
    box.hidden = false;
    button.addEventListener("click", async () => {
      const existed = await caches.has(name);
      button.disabled = true;
      bar.hidden = false;
      try {
        if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
        const info = await store(box.dataset.manifest, name, (done, total, bytes) => {
          bar.max = total;
          bar.value = done;
          status.textContent = fill(T.saving, done, total, kb(bytes));
        });
        show(info);
      } catch (error) {
        if (!existed) await caches.delete(name);
        status.textContent = error && error.name === "QuotaExceededError" ? T.full : T.failed;
      } finally {
        button.disabled = false;
        bar.hidden = true;
      }
    });
  }

  async function listSaved(list, who) {
    const courses = await savedCourses(who);
    const empty = list.parentElement.querySelector("[data-saved-empty]");
    if (empty) empty.hidden = courses.length > 0;
    list.replaceChildren(...courses.map((info) => {
      const item = document.createElement("li");
      const link = Object.assign(document.createElement("a"), { href: info.url, textContent: info.title });
      item.append(link, " (" + kb(info.bytes) + ") ");
      if (list.hasAttribute("data-removable")) {
        const remove = Object.assign(document.createElement("button"), { type: "button", className: "button button--small", textContent: T.remove });
        remove.setAttribute("aria-label", fill(T.removeNamed, info.title));
        remove.addEventListener("click", async () => {
          await caches.delete(info.name);
          await listSaved(list, who);
        });
        item.append(remove);
      }
      return item;
    }));
  }

  async function queued(who) {
    const name = PERSONAL + who + "-cola";
    const items = [];
    if (!(await caches.has(name))) return items;
    for (const key of await (await caches.open(name)).keys()) {
      // Sent and removed meanwhile by the worker: not waiting any more.
      const item = await json(name, key);
      if (item) items.push(item);
    }
    return items;
  }

  async function showQueue(who) {
    const items = await queued(who);
    const here = location.pathname;
    for (const item of items) {
      if (item.url === here + "completar/") {
        const form = document.querySelector('form[action$="completar/"]');
        if (form) form.replaceWith(Object.assign(document.createElement("p"), { className: "done", textContent: T.keptLesson }));
      } else if (item.url === here + "autoevaluacion/") {
        const form = document.querySelector('form[action$="autoevaluacion/"]');
        if (form) form.before(Object.assign(document.createElement("p"), { className: "message", textContent: T.keptQuiz }));
      }
    }
    if (items.length) say(fill(items.length === 1 ? T.queuedOne : T.queuedMany, items.length));
    return items.length;
  }

  // Something was recorded after this page was made: it is shown again, once
  // (a phone's clock set back must not make it reload again and again).
  async function reloadIfBehind() {
    const result = await json("cococi-meta", "/__resultado");
    const recorded = result && result.results && result.results.some((item) => item.status === "recorded");
    if (!recorded || result.reloaded || !(result.at > performance.timeOrigin)) return false;
    result.reloaded = true;
    await (await caches.open("cococi-meta")).put("/__resultado", new Response(JSON.stringify(result)));
    location.reload();
    return true;
  }

  async function showResult() {
    const result = note && (await json("cococi-meta", "/__resultado"));
    if (!result) return;
    await (await caches.open("cococi-meta")).delete("/__resultado");
    const lines = result.results ? [T.sent, ...result.results.map((item) => item.message)] : [];
    if (result.problem) lines.push(result.message || T.reload);
    say(...lines);
  }

  async function start() {
    const who = await ownerNow();
    const signedIn = meta("cococi-dueno");
    if (signedIn && signedIn !== (await storedOwner())) await claim(signedIn);
    for (const box of document.querySelectorAll("[data-save-course]")) if (signedIn) saveBox(box, signedIn);
    for (const list of document.querySelectorAll("[data-saved-list]")) {
      list.closest("[data-offline]").hidden = false;
      await listSaved(list, who);
    }
    const state = new URLSearchParams(location.search).get("sin-conexion");
    if (state) {
      history.replaceState(null, "", location.pathname + location.hash);
    }
    const pending = document.querySelector("[data-pending-queue]");
    if (pending && !signedIn && who) pending.hidden = (await queued(who)).length === 0;
    if (who) await showQueue(who);
    if (state === "lleno") say(T.full);
    // Shown again with it (and the outcome), when what was done offline was
    // recorded, by a background sync, while this page was on its way.
    if (await reloadIfBehind()) return;
    await showResult();
    if (!signedIn || !navigator.onLine) return;
    // Back online, once the page itself has loaded, one request after another
    // (the connection is often weak): first what was done offline is sent…
    if (document.readyState !== "complete") await new Promise((done) => addEventListener("load", done));
    // Asked even with nothing waiting here (a background sync may be sending
    // this very moment, and its outcome is then shown), of the worker in charge
    // now (a new release may have taken over while the page loaded), and not
    // waited for forever.
    const current = worker.controller;
    if (current) {
      const flushed = new Promise((done) => {
        worker.addEventListener("message", (event) => event.data && event.data.flushed && done());
        setTimeout(done, 30000);
      });
      current.postMessage({ flush: true, token: meta("cococi-csrf") });
      await flushed;
      if (await reloadIfBehind()) return;
      await showResult();
    }
    // …then saved courses changed since they were saved are brought up to date.
    for (const info of await savedCourses(signedIn)) {
      if (info.generation === meta("cococi-generacion")) continue;
      try {
        if (!(await store(info.manifest, info.name))) say(fill(T.gone, info.title));
      } catch (error) {
        /* kept as it was, tried again on the next page */
      }
    }
  }

  start().catch(() => {});
})();
