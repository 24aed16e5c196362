import type { Policy } from './model.js';
import { parsePolicyDocument } from './parse.js';
import { resolvePolicy } from './resolve.js';

/**
 * The built-in policy (`extends: recommended`). It must stay quiet on a plain distribution update:
 * packages legitimately ship setuid binaries and test keys, so those only warn, and only files no
 * package explains stop the build.
 */
export const RECOMMENDED_POLICY_YAML = `# image-changelog built-in policy: use it with "extends: recommended".
rules:
  - id: downgrade-reopens-cve
    description: A package went back to a version without the CVE fixes its changelog names.
    action: stop
    packages:
      change: downgraded
      reopensCve: true

  - id: package-downgraded
    description: A package went back to an older version.
    action: stop
    packages:
      change: downgraded

  - id: nonpackaged-setuid
    description: A file no package owns gained setuid (or was added with it).
    action: stop
    files:
      setuid: true
      nonPackaged: true

  - id: nonpackaged-setgid
    description: A file no package owns gained setgid (or was added with it).
    action: stop
    files:
      setgid: true
      nonPackaged: true

  - id: packaged-setuid
    description: A package added a setuid file.
    action: warn
    files:
      setuid: true
      nonPackaged: false

  - id: packaged-setgid
    description: A package added a setgid file.
    action: warn
    files:
      setgid: true
      nonPackaged: false

  - id: secret-in-file
    description: A private key, cloud credential or token in an added or modified file no package owns.
    action: stop
    secrets:
      kinds: [private-key, aws-access-key, aws-secret-key, gcp-service-account, github-token, slack-token,
              slack-webhook, npm-token, docker-registry-auth, pypi-password]
      nonPackaged: true

  - id: secret-in-package-file
    description: A package ships a file holding a private key or token (often test data; check it).
    action: warn
    secrets:
      kinds: [private-key, aws-access-key, aws-secret-key, gcp-service-account, github-token, slack-token,
              slack-webhook, npm-token, docker-registry-auth, pypi-password]
      nonPackaged: false

  - id: credential-file
    description: A credentials file by its name (id_rsa, .env, .pypirc, .git-credentials, .netrc).
    action: warn
    secrets:
      kinds: [ssh-private-key-file, dotenv-file, pypirc-file, git-credentials-file, netrc-file]

  - id: switched-to-root
    description: The image ran as another user and now runs as root.
    action: stop
    image:
      switchedToRoot: true

  - id: secret-env
    description: An environment variable that looks like a secret was added or changed.
    action: stop
    image:
      secretEnv: true

  - id: os-version-decreased
    description: The base distribution went back to an older release.
    action: stop
    image:
      osVersionDecreased: true

  - id: major-upgrade
    description: A package moved to a new major version (calendar-versioned ones like tzdata aside, and not when the base OS itself moved to a new major release, which brings them all).
    action: warn
    packages:
      bump: major
      calendarVersions: false
      withOsMajorUpgrade: false

  - id: entrypoint-missing
    description: The entrypoint (or command) does not resolve to an executable file in the image.
    action: stop
    image:
      entrypointMissing: true

  - id: capability-added
    description: A file gained file capabilities (root privileges for whoever runs it).
    action: warn
    image:
      capabilityAdded: true

  - id: new-tool-class
    description: A shell, network tool, debugger or compiler appeared in the image.
    action: warn
    image:
      toolClassAdded: [shell, network, debugger, compiler]

  - id: image-size-growth
    description: The image grew by more than 20% and more than 10 MB (uncompressed).
    action: warn
    image:
      sizeGrowth: { percent: 20, bytes: 10MB }

  - id: nonpackaged-executable
    description: A new executable no package owns in a system binary directory.
    action: warn
    files:
      path: [bin/*, sbin/*, usr/bin/*, usr/sbin/*, usr/local/bin/*, usr/local/sbin/*]
      change: added
      nonPackaged: true
      executable: true

  - id: new-exposed-port
    description: The image exposes a port it did not expose before.
    action: warn
    image:
      newPorts: true

  - id: os-changed
    description: The base distribution changed (a different os-release ID).
    action: warn
    image:
      osChanged: true
`;

export const RECOMMENDED_POLICY_SOURCE = 'recommended';

/** The built-in policy, parsed. */
export const RECOMMENDED_POLICY: Policy = resolvePolicy(
  parsePolicyDocument(RECOMMENDED_POLICY_YAML, RECOMMENDED_POLICY_SOURCE),
  undefined,
);
