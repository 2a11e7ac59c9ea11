// bizwatch web chat: sends to POST /webhooks/rest/webhook and shows the replies.
// Every message carries its own id, so a retry after a network error is never taken twice.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const status = document.getElementById("status");

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function senderId() {
    let id = localStorage.getItem("bizwatch-sender");
    if (!id) { id = "web-" + newId(); localStorage.setItem("bizwatch-sender", id); }
    return id;
  }
  function add(kind, text) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;  // never innerHTML: replies may echo what users typed
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }
  function showButtons(item, buttons) {
    if (!buttons || !buttons.length) return;
    const row = document.createElement("div");
    row.className = "buttons";
    buttons.forEach(function (b) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { send(b.payload, b.title); });
      row.appendChild(button);
    });
    item.appendChild(row);
    item.scrollIntoView({ block: "end" });  // again: the buttons made it taller
  }
  async function post(body, attempt) {
    const response = await fetch("/webhooks/rest/webhook", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (response.status === 503 && attempt < 3) {
      status.textContent = "Still trying...";
      await new Promise(function (r) { setTimeout(r, 1500 * attempt); });
      return post(body, attempt + 1);
    }
    return response;
  }
  async function send(text, shown) {
    if (!text.trim()) return;
    // Options belong to the question they came with: once the user answers, earlier ones go inert,
    // so a stray tap on an old "Robbery" cannot answer a later question.
    log.querySelectorAll(".buttons button").forEach(function (b) { b.disabled = true; });
    add("me", shown || text);
    const body = { sender: senderId(), message: text, message_id: newId() };
    status.textContent = "Sending...";
    try {
      const response = await post(body, 1);
      const replies = await response.json();
      status.textContent = "";
      if (!Array.isArray(replies)) { add("bot error", "Sorry, something went wrong. Please try again."); return; }
      replies.forEach(function (r) { showButtons(add("bot", r.text), r.buttons); });
    } catch (error) {
      status.textContent = "";
      add("bot error", "I couldn't reach the service. Check your connection and send it again; nothing is lost.");
    }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("new-chat").addEventListener("click", function () {
    localStorage.removeItem("bizwatch-sender");
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
})();
