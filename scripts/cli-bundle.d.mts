// Types for cli-bundle.mjs (plain JavaScript, as it runs before anything is built).
export declare const CLI_BUNDLE: string;
export declare function cliBundleStale(): boolean;
export declare function buildCliBundle(): Promise<string>;
export declare function ensureCliBundle(): Promise<string>;
