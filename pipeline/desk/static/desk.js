// vanban desk: upload progress (the page works without it). Its words come from the page (data-msg-*),
// translated with the rest of it.
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var say = form.dataset;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var bar = document.getElementById("progress"), status = document.getElementById("status");
    var xhr = new XMLHttpRequest();
    bar.hidden = false;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      status.textContent = say.msgSending + " " + bar.value + " %";
    };
    xhr.upload.onload = function () { status.textContent = say.msgFiling; };
    xhr.onload = function () {
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { status.textContent = say.msgFailed; };
    xhr.open("POST", form.action);
    xhr.send(new FormData(form));
  });
})();
