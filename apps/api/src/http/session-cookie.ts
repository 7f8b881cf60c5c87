import type { Response } from 'express';

export function setSessionCookie(
  res: Response,
  cookie: { name: string; value: string; attributes: { secure?: boolean; sameSite?: 'lax' | 'strict' | 'none'; expires?: Date; maxAge?: number } },
) {
  res.cookie(cookie.name, cookie.value, {
    httpOnly: true,
    path: '/',
    sameSite: cookie.attributes.sameSite ?? 'lax',
    secure: cookie.attributes.secure ?? false,
    ...(cookie.attributes.expires ? { expires: cookie.attributes.expires } : {}),
    ...(cookie.attributes.maxAge !== undefined ? { maxAge: cookie.attributes.maxAge * 1000 } : {}),
  });
}
