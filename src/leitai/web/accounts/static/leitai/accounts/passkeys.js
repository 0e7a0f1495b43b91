/* Passkeys and security keys (WebAuthn) as the second factor: add one on the passkeys
   page (<form id="passkey-add">), use one after the password (<div id="passkey-verify">).
   Every word shown comes from the page (data-msg-* attributes, translated there); the
   options and answers go to leitai's endpoints as JSON with the CSRF token. */
(function () {
  "use strict";

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      out[i] = raw.charCodeAt(i);
    }
    return out.buffer;
  }

  function toText(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i += 1) {
      raw += String.fromCharCode(bytes[i]);
    }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = toText(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: response,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    }).then(function (answer) {
      return answer.json().then(function (data) {
        if (!answer.ok) {
          var error = new Error(data.detail || String(answer.status));
          error.server = true;
          throw error;
        }
        return data;
      });
    });
  }

  function say(box, text, kind) {
    var status = box.querySelector("[role=status]");
    status.textContent = text;
    status.className = kind ? "notice " + kind : "";
  }

  function failure(box, error) {
    // NotAllowedError: the person cancelled or the time ran out; InvalidStateError: the
    // key is registered already.
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "AbortError") {
      return box.dataset.msgCancelled;
    }
    if (name === "InvalidStateError") {
      return box.dataset.msgDuplicate;
    }
    return box.dataset.msgFailed;
  }

  function supported(box) {
    if (window.PublicKeyCredential && navigator.credentials && window.isSecureContext) {
      return true;
    }
    say(box, box.dataset.msgUnsupported, "warning");
    var button = box.querySelector("button");
    if (button) {
      button.disabled = true;
    }
    return false;
  }

  function addPasskey(form) {
    if (!supported(form)) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var name = form.querySelector("input[name=name]").value.trim();
      if (!name) {
        say(form, form.dataset.msgName, "error");
        return;
      }
      button.disabled = true;
      say(form, form.dataset.msgWorking, "");
      post(form.dataset.begin, { name: name })
        .then(function (options) {
          return navigator.credentials.create({ publicKey: creationOptions(options) });
        })
        .then(function (credential) {
          return post(form.dataset.complete, credentialJSON(credential));
        })
        .then(function () {
          window.location.assign(form.dataset.done);
        })
        .catch(function (error) {
          button.disabled = false;
          say(form, error.server ? form.dataset.msgRefused : failure(form, error), "error");
        });
    });
  }

  function verifyPasskey(box) {
    if (!supported(box)) {
      return;
    }
    var button = box.querySelector("button");
    button.addEventListener("click", function () {
      button.disabled = true;
      say(box, box.dataset.msgWorking, "");
      var trust = document.getElementById("id_trust");
      var complete = box.dataset.complete + (trust && trust.checked ? "?trust=1" : "");
      post(box.dataset.begin, {})
        .then(function (options) {
          return navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(function (credential) {
          return post(complete, credentialJSON(credential));
        })
        .then(function () {
          window.location.assign(box.dataset.next);
        })
        .catch(function (error) {
          button.disabled = false;
          say(box, error.server ? box.dataset.msgRefused : failure(box, error), "error");
        });
    });
  }

  var form = document.getElementById("passkey-add");
  if (form) {
    addPasskey(form);
  }
  var box = document.getElementById("passkey-verify");
  if (box) {
    verifyPasskey(box);
  }
})();
