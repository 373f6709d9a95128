{% load static %}/* COCOCI Formación's service worker, release {{ release }}.
   Pages are fetched from the network; without it, a page saved for offline
   study is shown, or the offline page. What a member does offline (a lesson
   marked as studied, a quiz answered) is kept and sent when back online.
   Saved pages and the queue belong to one person, the owner the server names
   (X-Cococi-Dueno): another person signing in deletes them first. */
"use strict";
const STATIC = "cococi-estatico-{{ release }}";
const OFFLINE = "{% url 'offline:page' %}";
const PRECACHE = [OFFLINE, "{% static 'css/site.css' %}", "{% static 'js/site.js' %}", "{% static 'img/favicon.svg' %}"];
const PERSONAL = "cococi-u-";
const META = "cococi-meta";
const SYNC = "{% url 'offline_sync' %}";
const SIGN_OUT = "{% url 'members:logout' %}";
const ACTION = /\/(completar|autoevaluacion)\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("cococi-estatico-") && name !== STATIC) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function owner() {
  const found = await (await caches.open(META)).match("/__dueno");
  return found ? found.text() : "";
}

// Every personal cache but the ones of `keep`: another person's pages.
async function forget(keep) {
  for (const name of await caches.keys()) {
    if (name.startsWith(PERSONAL) && !(keep && name.startsWith(PERSONAL + keep + "-"))) await caches.delete(name);
  }
  const meta = await caches.open(META);
  // What a sending told the previous person is not the next one's to see.
  await meta.delete("/__resultado");
  if (keep) await meta.put("/__dueno", new Response(keep));
  else await caches.delete(META);
}

// The saved pages of everyone (a session ended, a sign-out that could not go
// through): her queue stays, for when she signs in again.
async function forgetPages() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PERSONAL) && !name.endsWith("-cola")) await caches.delete(name);
  }
}

async function saved(request) {
  const who = await owner();
  if (!who) return undefined;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PERSONAL + who + "-c")) continue;
    const found = await (await caches.open(name)).match(request, { ignoreSearch: true, ignoreVary: true });
    if (found) return found;
  }
  return undefined;
}

async function page(request, event) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await saved(request)) || (await caches.match(OFFLINE)) || Response.error();
  }
  // The site not answering (a deploy, the database down: nginx's 502-504 or
  // the site's 503) is as good as offline for a page she saved.
  if (response.status >= 502 && response.status <= 504) {
    const kept = await saved(request);
    if (kept) return kept;
  }
  // The page is shown at once; what the worker learns from it is done beside
  // (a full phone, a failed write, never cost her the page).
  const copy = response.ok && !response.redirected ? response.clone() : null;
  const learn = remember(request, response, copy).catch(() => {});
  if (event) event.waitUntil(learn);
  else await learn;
  return response;
}

async function remember(request, response, copy) {
  const url = new URL(request.url);
  const who = response.headers.get("X-Cococi-Dueno");
  if (who && who !== (await owner())) await forget(who);
  // A page to nobody signed in (not a file, nor the offline page, which name
  // nobody to anyone): nothing personal is shown offline any more.
  const html = (response.headers.get("Content-Type") || "").startsWith("text/html");
  if (!who && response.ok && html && url.pathname !== OFFLINE) await forgetPages();
  // A saved page seen online is kept as it is now, if it is its owner's (not
  // a quiz's result, ``?intento=``: the saved lesson is the lesson).
  if (!who || !copy || url.search) return;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PERSONAL + who + "-c")) continue;
    const cache = await caches.open(name);
    if (await cache.match(url.pathname)) await cache.put(url.pathname, copy.clone());
  }
}

async function file(request) {
  const hit = (await caches.match(request, { cacheName: STATIC })) || (await saved(request));
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (error) {
    // Offline, a page saved under an earlier release asks for its stylesheet
    // by that release's name: today's is the same file, newer.
    const unhashed = (url) => new URL(url).pathname.replace(/\.[0-9a-f]{12}(\.\w+)$/, "$1");
    if (request.url.includes("/static/")) {
      const cache = await caches.open(STATIC);
      for (const key of await cache.keys()) {
        if (unhashed(key.url) === unhashed(request.url)) return cache.match(key);
      }
    }
    // Offline, an image asked at another width: the one saved at phone size.
    const phone = request.url.replace(/\.width-\d+\./, ".width-720.").replace(/\.fill-\d+x\d+\./, ".fill-720x400.");
    return (phone !== request.url && (await saved(new Request(phone)))) || Response.error();
  }
}

async function sendOrKeep(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const url = new URL(copy.url);
    const form = await copy.formData();
    const who = await owner();
    // Kept only when sent by a page of this site (another site's forged form
    // is not: the server's CSRF check refuses it online) and by the person
    // whose phone data this is (a tab left open by someone else is not).
    if (!request.referrer.startsWith(location.origin + "/") || !who || form.get("dueno") !== who) {
      return (await caches.match(OFFLINE)) || Response.error();
    }
    const fields = {};
    for (const [name, value] of form) {
      if (name !== "csrfmiddlewaretoken" && name !== "dueno") (fields[name] = fields[name] || []).push(String(value));
    }
    const item = { key: crypto.randomUUID(), url: url.pathname, fields, at: new Date().toISOString(), token: form.get("csrfmiddlewaretoken") || "" };
    const lesson = url.pathname.replace(ACTION, "/");
    let note = "guardado";
    try {
      await (await caches.open(PERSONAL + who + "-cola")).put("/__cola/" + item.key, new Response(JSON.stringify(item)));
      if (self.registration.sync) self.registration.sync.register("cola").catch(() => {});
    } catch (full) {
      note = "lleno";
    }
    const anchor = url.pathname.endsWith("autoevaluacion/") ? "#autoevaluacion" : "";
    return Response.redirect(lesson + "?sin-conexion=" + note + anchor, 303);
  }
}

// One sending at a time: a page's waits for a background sync's, and finds
// the queue it emptied.
// A background sync is told when the server could not be reached, so that
// the browser tries again later (``strict``).
let sending = Promise.resolve();
function flushOnce(token, strict) {
  const run = sending.then(() => flush(token, strict));
  sending = run.catch(() => {});
  return strict ? run : sending;
}

// Signing out forgets this person's pages and queue (Clear-Site-Data too).
// Without signal she stays signed in, but her saved pages are forgotten now.
// A sending still under way is let finish first (for at most ten seconds), so
// the sign-out's Clear-Site-Data never deletes an activity on its way.
async function signOut(request) {
  await Promise.race([sending, new Promise((done) => setTimeout(done, 10000))]);
  try {
    const response = await fetch(request);
    if (response.ok || response.type === "opaqueredirect") await forget("");
    return response;
  } catch (error) {
    await forgetPages();
    return (await caches.match(OFFLINE)) || Response.error();
  }
}

async function flush(token, strict) {
  const who = await owner();
  if (!who) return;
  const queue = await caches.open(PERSONAL + who + "-cola");
  const keys = await queue.keys();
  if (!keys.length) return;
  let items = [];
  for (const key of keys) {
    const found = await queue.match(key);
    if (found) items.push(await found.json());
  }
  // The oldest first, as many as the server takes at once; the rest next time.
  items = items.sort((a, b) => (a.at < b.at ? -1 : 1)).slice(0, 50);
  if (!items.length) return;
  let response;
  try {
    response = await fetch(SYNC, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token || items[items.length - 1].token },
      body: JSON.stringify({ owner: who, items: items.map(({ key, url, fields, at }) => ({ key, url, fields, at })) }),
    });
  } catch (error) {
    if (strict) throw error;
    return; // still offline: kept for the next time
  }
  if (strict && response.status >= 500) throw new Error("server");
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  // What happened is kept for the page, added to what an earlier sending told
  // and no page has shown yet, before the queue is emptied.
  const meta = await caches.open(META);
  const earlier = await meta.match("/__resultado");
  const before = earlier ? await earlier.json() : {};
  if (!response.ok || !Array.isArray(answer.results)) {
    const problem = { problem: answer.error || "csrf", message: answer.message || "" };
    await meta.put("/__resultado", new Response(JSON.stringify(Object.assign(before, problem))));
    return;
  }
  const results = (before.results || []).concat(answer.results);
  await meta.put("/__resultado", new Response(JSON.stringify({ results, at: Date.now() })));
  for (const result of answer.results) await queue.delete("/__cola/" + result.key);
  // The saved pages of the lessons concerned show what was recorded.
  for (const result of answer.results) {
    if (!result.lesson || !(await saved(new Request(result.lesson)))) continue;
    try {
      await page(new Request(result.lesson, { credentials: "same-origin" }), null);
    } catch (error) { /* kept as it was */ }
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== location.origin || url.pathname.startsWith("/admin/")) return;
  if (request.method === "POST") {
    if (url.pathname === SIGN_OUT) event.respondWith(signOut(request));
    else if (ACTION.test(url.pathname)) event.respondWith(sendOrKeep(request));
    else if (request.mode === "navigate") event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") event.respondWith(page(request, event));
  else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/media/")) event.respondWith(file(request));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (!data.flush) return;
  event.waitUntil(flushOnce(data.token).then(() => event.source && event.source.postMessage({ flushed: true })));
});

self.addEventListener("sync", (event) => {
  if (event.tag === "cola") event.waitUntil(flushOnce("", true));
});
