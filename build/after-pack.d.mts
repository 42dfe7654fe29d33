// Types of build/after-pack.mjs, for the tests that import it.
import type { FuseV1Config } from '@electron/fuses';

export type FuseName =
  | 'RunAsNode'
  | 'EnableCookieEncryption'
  | 'EnableNodeOptionsEnvironmentVariable'
  | 'EnableNodeCliInspectArguments'
  | 'EnableEmbeddedAsarIntegrityValidation'
  | 'OnlyLoadAppFromAsar'
  | 'LoadBrowserProcessSpecificV8Snapshot'
  | 'GrantFileProtocolExtraPrivileges'
  | 'WasmTrapHandlers';

export type FuseSettings = Record<FuseName, boolean>;

/** What afterPack reads of electron-builder's context. */
export interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName?: string; appInfo: { productFilename: string } };
}

export const fuseSettingsFile: URL;
export const knownFuses: FuseName[];
export function readFuseSettings(file?: string | URL): FuseSettings;
export function fuseConfig(settings: FuseSettings, resetAdHocDarwinSignature: boolean): FuseV1Config;
export function electronBinaryPath(context: AfterPackContext): string;
export function needsAdHocSignatureReset(
  context: Pick<AfterPackContext, 'electronPlatformName' | 'arch'>,
): boolean;
export default function afterPack(context: AfterPackContext): Promise<void>;
