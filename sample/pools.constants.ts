/** Pool names, shared by the modules that declare the pools and the classes that inject them. */
export const QUOTES_POOL = 'quotes';
export const REPORTS_POOL = 'reports';
export const HASH_POOL = 'hash';
