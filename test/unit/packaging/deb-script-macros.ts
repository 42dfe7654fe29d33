import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; productName: string };

/** What electron-builder fills in: the Linux executable name and the folder name under /opt. */
export const debScriptMacros: Readonly<Record<string, string>> = {
  executable: packageJson.name,
  sanitizedProductName: packageJson.productName,
};

/**
 * A deb script as it lands in the package: electron-builder (FpmTarget's writeConfigFile) replaces
 * each `${name}` of letters with its value and fails the build on a name it does not define.
 */
export function expandDebScript(script: string): string {
  return readFileSync(script, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_match, name: string) => {
    const value = debScriptMacros[name];
    if (value === undefined) throw new Error(`${script}: electron-builder has no macro \${${name}}`);
    return value;
  });
}
