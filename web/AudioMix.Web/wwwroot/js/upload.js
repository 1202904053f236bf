// Dataset upload for the dashboard: files dropped on the zone (or picked with its file input) go
// straight to the REST endpoint POST /api/datasets/{id}/items as one multipart request, so the bytes
// never travel through the Blazor Server circuit. XMLHttpRequest is used rather than fetch because
// only XHR reports upload progress (xhr.upload 'progress' events). Progress and the final answer
// are handed to the .NET component through its DotNetObjectReference.

const progressIntervalMs = 150;

export function attach(zone, input, url, dotnet) {
  let busy = false;
  let depth = 0;

  const start = (fileList) => {
    const files = Array.from(fileList || []);
    if (busy || files.length === 0) {
      return;
    }
    busy = true;
    zone.classList.add('am-drop--busy');
    upload(url, files, dotnet).finally(() => {
      busy = false;
      zone.classList.remove('am-drop--busy');
    });
  };

  const onChange = () => {
    const files = Array.from(input.files || []);
    input.value = '';
    start(files);
  };
  const onDragEnter = (e) => {
    e.preventDefault();
    depth++;
    zone.classList.add('am-drop--over');
  };
  const onDragOver = (e) => {
    e.preventDefault();
    if (e.dataTransfer) {
      e.dataTransfer.dropEffect = 'copy';
    }
  };
  const onDragLeave = () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) {
      zone.classList.remove('am-drop--over');
    }
  };
  const onDrop = (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('am-drop--over');
    start(e.dataTransfer ? e.dataTransfer.files : null);
  };
  const onClick = (e) => {
    if (e.target !== input && !busy) {
      input.click();
    }
  };

  input.addEventListener('change', onChange);
  zone.addEventListener('dragenter', onDragEnter);
  zone.addEventListener('dragover', onDragOver);
  zone.addEventListener('dragleave', onDragLeave);
  zone.addEventListener('drop', onDrop);
  zone.addEventListener('click', onClick);
  // Lets tests (and styles) tell that drops and picks are now handled.
  zone.dataset.ready = 'true';

  return {
    dispose() {
      input.removeEventListener('change', onChange);
      zone.removeEventListener('dragenter', onDragEnter);
      zone.removeEventListener('dragover', onDragOver);
      zone.removeEventListener('dragleave', onDragLeave);
      zone.removeEventListener('drop', onDrop);
      zone.removeEventListener('click', onClick);
      delete zone.dataset.ready;
    },
  };
}

function upload(url, files, dotnet) {
  const form = new FormData();
  let total = 0;
  for (const file of files) {
    form.append('files', file, file.name);
    total += file.size;
  }

  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let last = 0;
    const call = (method, ...args) => dotnet.invokeMethodAsync(method, ...args).catch(() => { /* circuit gone */ });

    xhr.upload.addEventListener('progress', (e) => {
      const now = Date.now();
      if (now - last < progressIntervalMs && e.loaded < e.total) {
        return;
      }
      last = now;
      call('OnUploadProgress', e.loaded, e.lengthComputable ? e.total : total);
    });
    xhr.upload.addEventListener('load', () => call('OnUploadProgress', total, total));
    xhr.addEventListener('load', () => {
      call('OnUploadCompleted', xhr.status, xhr.responseText || '').finally(resolve);
    });
    xhr.addEventListener('error', () => {
      call('OnUploadFailed', 'The upload could not reach the server.').finally(resolve);
    });
    xhr.addEventListener('abort', () => {
      call('OnUploadFailed', 'The upload was aborted.').finally(resolve);
    });

    call('OnUploadStarted', files.length, total);
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    // The dashboard calls the API with its session cookie; a state-changing call also carries the page's antiforgery token.
    const token = document.querySelector('meta[name="audiomix-antiforgery"]')?.content;
    if (token) {
      xhr.setRequestHeader('RequestVerificationToken', token);
    }
    xhr.send(form);
  });
}
