// The upload page: checks sizes before sending and shows progress. Without it the form still works.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) { return; }
  var input = document.getElementById("files");
  var button = document.getElementById("send");
  var progress = document.getElementById("progress");
  var status = document.getElementById("status");
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var maxFiles = Number(form.getAttribute("data-max-files"));

  function say(text, problem) {
    status.textContent = text;
    status.className = problem ? "problem" : "";
  }

  function tooLarge(files) {
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].size > maxBytes) { return files[i].name; }
    }
    return null;
  }

  function show(html) {
    // The server's answer is a whole page (thank you, or what went wrong): show it in place of this one.
    var page = new DOMParser().parseFromString(html, "text/html");
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = input.files;
    if (!files || files.length === 0) { say("Please choose a file first.", true); return; }
    if (files.length > maxFiles) { say("Please choose up to " + maxFiles + " files at once.", true); return; }
    var large = tooLarge(files);
    if (large) {
      say(large + " is too large to send here. Please send a shorter clip, or reply to our message with a " +
          "sharing link.", true);
      return;
    }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progressEvent) {
      if (progressEvent.lengthComputable) {
        progress.value = Math.round(progressEvent.loaded / progressEvent.total * 100);
        say("Sending: " + progress.value + "%. Please keep this page open.", false);
      }
    });
    request.addEventListener("load", function () { show(request.responseText); });
    request.addEventListener("error", function () {
      button.disabled = false;
      progress.hidden = true;
      say("The upload stopped before it finished, so nothing was kept. Please check your connection and try " +
          "again: this link still works.", true);
    });
    button.disabled = true;
    progress.hidden = false;
    say("Sending...", false);
    request.send(new FormData(form));
  });
}());
