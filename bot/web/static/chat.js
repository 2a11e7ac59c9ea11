// bizwatch web chat: sends to POST /webhooks/rest/webhook and shows the replies.
// Who is speaking is the server's signed HttpOnly cookie (set by the page), never something this script says.
// Every message carries its own id, and a retry sends the SAME id, so a message the service saved just
// before the connection dropped is never taken twice.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const status = document.getElementById("status");
  const counter = document.getElementById("counter");
  const maxChars = Number(input.dataset.maxChars) || 4000;
  const maxBytes = Number(input.dataset.maxBytes) || 65536;
  const AUTO_RETRIES = 3;
  let unsure = null;  // { text, id } of the last message whose fate we don't know

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function add(kind, text) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;  // never innerHTML: replies may echo what users typed
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }
  function addButtons(item, buttons, onClick) {
    if (!buttons || !buttons.length) return;
    const row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (b) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { onClick(b); });
      row.appendChild(button);
    });
    item.appendChild(row);
    item.scrollIntoView({ block: "end" });  // again: the buttons made it taller
  }
  function showButtons(item, buttons) {
    addButtons(item, buttons, function (b) { send(b.payload, b.title); });
  }
  // The server keeps the first maxChars characters and says so. Only a paste too big to send at all
  // is shortened here, to just over that length, so the server's answer still says what was kept.
  function fit(text) {
    if (new Blob([JSON.stringify(text)]).size <= maxBytes - 1024) return text;
    return text.slice(0, maxChars + 1);
  }
  function showCount() {
    const n = input.value.length;
    const limit = maxChars.toLocaleString("en-GB");
    counter.className = n > maxChars ? "over" : "";
    if (n > maxChars) {
      counter.textContent = n.toLocaleString("en-GB") + " characters: only the first " + limit +
        " will be kept. You can send the rest in another message.";
    } else {
      counter.textContent = n >= maxChars * 0.8 ? n.toLocaleString("en-GB") + " of " + limit + " characters" : "";
    }
  }
  // Network errors, 503 (database busy) and a short 429 are retried here with the same id; a missing
  // or expired cookie is renewed once by loading the page address again.
  async function post(body) {
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await fetch("/webhooks/rest/webhook", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        });
      } catch (error) {
        if (attempt >= AUTO_RETRIES) throw error;
        status.textContent = "Still trying...";
        await wait(1000 * attempt);
        continue;
      }
      if (response.status === 401 && !renewed) {
        renewed = true;
        await fetch("/", { credentials: "same-origin" });
        continue;
      }
      const after = Number(response.headers.get("Retry-After")) || attempt * 1.5;
      if ((response.status === 503 || response.status === 429) && attempt < AUTO_RETRIES && after <= 10) {
        status.textContent = "Still trying...";
        await wait(after * 1000);
        continue;
      }
      return response;
    }
  }
  async function deliver(text, id) {
    status.textContent = "Sending...";
    try {
      const response = await post({ message: fit(text), message_id: id });
      const data = await response.json().catch(function () { return null; });
      status.textContent = "";
      unsure = response.status === 503 ? { text: text, id: id } : null;
      if (Array.isArray(data)) {
        data.forEach(function (r) { showButtons(add("bot", r.text), r.buttons); });
      } else {
        add("bot error", (data && data.error) || "Sorry, something went wrong. Please try again.");
      }
    } catch (error) {
      status.textContent = "";
      unsure = { text: text, id: id };
      const item = add("bot error", "I couldn't reach the service. Check your connection and tap 'Send again'. " +
        "Nothing is lost, and it won't be counted twice.");
      addButtons(item, [{ title: "Send again" }], function () {
        item.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        deliver(text, id);
      });
    }
  }
  function send(text, shown) {
    if (!text.trim()) return;
    // Options belong to the question they came with: once the user answers, earlier ones go inert,
    // so a stray tap on an old "Robbery" cannot answer a later question.
    log.querySelectorAll(".buttons button").forEach(function (b) { b.disabled = true; });
    add("me", shown || text);
    // Typing the same words again after a failure is a retry of that message, not a new one.
    const id = unsure && unsure.text === text ? unsure.id : newId();
    unsure = null;
    deliver(text, id);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    showCount();
    send(text);
  });
  input.addEventListener("input", showCount);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("new-chat").addEventListener("click", async function () {
    // Someone else at this browser: the server swaps the cookie, so the old conversation is out of reach.
    try {
      const response = await fetch("/chat/new", { method: "POST", credentials: "same-origin" });
      if (response.status === 401) await fetch("/", { credentials: "same-origin" });
    } catch (error) { /* offline: the next message will say so */ }
    unsure = null;
    log.textContent = "";
    greet();
  });
  // Greet locally: sending "hello" on load would be taken as an answer by a report under way.
  function greet() {
    showButtons(add("bot", "Hello. I can help you report a crime against your business, or give prevention " +
      "advice. Tell me what happened, or pick an option."),
      [{ title: "Report a crime", payload: "report a crime" }, { title: "Prevention advice", payload: "advice" }]);
  }
  greet();
  // Messages the service sends later (a status update, a CCTV reminder) wait on the server until this
  // page collects them: now, every so often while it is open, and whenever the visitor comes back.
  const COLLECT_EVERY_MS = 20000;
  let collecting = false;
  async function collect() {
    if (collecting || document.visibilityState === "hidden") return;
    collecting = true;
    try {
      const response = await fetch("/webhooks/rest/messages", { credentials: "same-origin" });
      if (response.ok) {
        const messages = await response.json();
        if (Array.isArray(messages)) messages.forEach(function (r) { showButtons(add("bot", r.text), r.buttons); });
      }
    } catch (error) { /* offline: try again later */ }
    collecting = false;
  }
  collect();
  setInterval(collect, COLLECT_EVERY_MS);
  document.addEventListener("visibilitychange", collect);
})();
