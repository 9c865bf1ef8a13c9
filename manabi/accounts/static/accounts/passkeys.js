// manabi: passkeys (WebAuthn) for two-step sign-in. No inline scripts (strict CSP): the
// buttons carry their URLs in data attributes.
//   <button data-passkey="register" data-options-url data-url data-name-input>
//   <button data-passkey="login" data-options-url data-url>
// Messages go to the element named by data-status (role="status").
(() => {
  const b64 = {
    toBytes(text) {
      const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
      const padded = base64 + "===".slice((base64.length + 3) % 4);
      return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    },
    fromBytes(buffer) {
      const bytes = new Uint8Array(buffer);
      let text = "";
      bytes.forEach((b) => { text += String.fromCharCode(b); });
      return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    },
  };

  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "処理できませんでした。ページを読み込み直してください。");
    return data;
  }

  function creationOptions(o) {
    return {
      ...o,
      challenge: b64.toBytes(o.challenge),
      user: { ...o.user, id: b64.toBytes(o.user.id) },
      excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: b64.toBytes(c.id) })),
    };
  }

  function requestOptions(o) {
    return {
      ...o,
      challenge: b64.toBytes(o.challenge),
      allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: b64.toBytes(c.id) })),
    };
  }

  function registration(credential) {
    const r = credential.response;
    return {
      id: credential.id,
      rawId: b64.fromBytes(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: b64.fromBytes(r.clientDataJSON),
        attestationObject: b64.fromBytes(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  function assertion(credential) {
    const r = credential.response;
    return {
      id: credential.id,
      rawId: b64.fromBytes(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: b64.fromBytes(r.clientDataJSON),
        authenticatorData: b64.fromBytes(r.authenticatorData),
        signature: b64.fromBytes(r.signature),
        userHandle: r.userHandle ? b64.fromBytes(r.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  function say(button, text) {
    const status = document.getElementById(button.dataset.status || "passkey-status");
    if (status) status.textContent = text;
  }

  async function run(button) {
    if (!window.PublicKeyCredential) {
      say(button, "このブラウザはパスキーに対応していません。認証アプリを使ってください。");
      return;
    }
    button.disabled = true;
    try {
      if (button.dataset.passkey === "register") {
        const nameInput = document.getElementById(button.dataset.nameInput || "");
        const options = await post(button.dataset.optionsUrl);
        say(button, "パスキーの確認をしています。端末の指示に従ってください。");
        const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
        const done = await post(button.dataset.url, {
          credential: registration(credential),
          name: nameInput ? nameInput.value : "",
        });
        window.location.assign(done.redirect);
      } else {
        const options = await post(button.dataset.optionsUrl);
        say(button, "パスキーの確認をしています。端末の指示に従ってください。");
        const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
        const done = await post(button.dataset.url, { credential: assertion(credential) });
        window.location.assign(done.redirect);
      }
    } catch (error) {
      const cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
      say(button, cancelled ? "パスキーの確認が取り消されたか、時間切れになりました。もう一度お試しください。" : error.message);
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-passkey]");
    if (button) {
      event.preventDefault();
      run(button);
    }
  });
})();
