/** Standard base64 (with padding), the form zarr-python writes byte fill values in. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: spreading a long array into fromCharCode's arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of standard padded base64 text; undefined for anything else. */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
