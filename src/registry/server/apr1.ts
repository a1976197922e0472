/**
 * Apache's "$apr1$" MD5-crypt (htpasswd -m), verified with node:crypto only.
 * The algorithm of FreeBSD md5crypt with the magic "$apr1$" (apr_md5.c).
 */
import { createHash } from "node:crypto";

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function md5(...parts: Buffer[]): Buffer {
  const h = createHash("md5");
  for (const p of parts) h.update(p);
  return h.digest();
}

function to64(v: number, n: number): string {
  let s = "";
  while (n-- > 0) {
    s += ITOA64[v & 0x3f];
    v >>= 6;
  }
  return s;
}

/** The full "$apr1$<salt>$<hash>" string for `password` and `salt` (first 8 chars used). */
export function apr1(password: string, salt: string): string {
  const magic = "$apr1$";
  const pw = Buffer.from(password, "utf8");
  const sl = Buffer.from(salt.slice(0, 8), "utf8");
  const parts: Buffer[] = [pw, Buffer.from(magic), sl];
  let fin = md5(pw, sl, pw);
  for (let pl = pw.length; pl > 0; pl -= 16) parts.push(fin.subarray(0, Math.min(pl, 16)));
  for (let i = pw.length; i; i >>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  fin = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const p: Buffer[] = [];
    p.push(i & 1 ? pw : fin);
    if (i % 3) p.push(sl);
    if (i % 7) p.push(pw);
    p.push(i & 1 ? fin : pw);
    fin = md5(...p);
  }
  const f = fin;
  const out =
    to64((f[0]! << 16) | (f[6]! << 8) | f[12]!, 4) +
    to64((f[1]! << 16) | (f[7]! << 8) | f[13]!, 4) +
    to64((f[2]! << 16) | (f[8]! << 8) | f[14]!, 4) +
    to64((f[3]! << 16) | (f[9]! << 8) | f[15]!, 4) +
    to64((f[4]! << 16) | (f[10]! << 8) | f[5]!, 4) +
    to64(f[11]!, 2);
  return `${magic}${salt.slice(0, 8)}$${out}`;
}
