/** Offers bytes (base64) as a download: a Blob, an object URL and a click on a temporary <a download>. */
export function downloadBase64(fileName: string, mimeType: string, dataBase64: string): void {
  const binary = atob(dataBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the Blob; give it a moment before releasing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
