/**
 * Every code an ImageChangelogError can carry, one name per failure, with what it means. The
 * README's "Error codes" table lists the same (a test compares them). Names read SUBJECT_WHAT:
 * `_INVALID` malformed, `_UNSUPPORTED` well-formed but not handled, `_NOT_FOUND` absent,
 * `_TOO_LARGE` over a bound, `_MISMATCH` not what a digest or size promised.
 */
export const ERROR_CODES = {
  // What the user typed
  USAGE: 'the command line is not understood (unknown command or option, missing argument)',
  INPUT_INVALID: 'an action input has a value it cannot take',
  REFERENCE_INVALID: 'an image reference, repository name or tag is malformed',
  PLATFORM_INVALID: 'a platform is not os/arch[/variant]',
  POLICY_NOT_FOUND: 'the policy file cannot be read',
  POLICY_INVALID: 'the policy file is not a valid policy (the message names the line and column)',
  DOCKERFILE_INVALID: 'a Dockerfile cannot be parsed',
  DOCKERFILE_NOT_FOUND: 'a Dockerfile given to dockerfile-diff cannot be read',
  PULL_REQUEST_FILES_UNREADABLE:
    "a pull request's Dockerfiles can be read neither from git in the workspace nor from the GitHub API",
  // Finding the image
  IMAGE_NOT_FOUND: 'no image by that reference (no such file, tag, layout entry or daemon image)',
  PLATFORM_NOT_FOUND: 'the image has no manifest for the wanted platform (the message lists those it has)',
  MANIFEST_NOT_FOUND: 'the registry has no manifest for that tag or digest',
  REPOSITORY_NOT_FOUND: 'the registry has no such repository',
  BLOB_NOT_FOUND: 'a blob the manifest names is missing',
  // The image's own documents
  MANIFEST_INVALID: 'a manifest or index is not valid JSON of the expected shape',
  MANIFEST_UNSUPPORTED: 'a manifest of a kind that is not supported (Docker schema 1)',
  MANIFEST_TOO_LARGE: 'a manifest or index is over its size bound',
  CONFIG_INVALID: "the image's config is not valid JSON of the expected shape",
  CONFIG_TOO_LARGE: "the image's config is over its size bound",
  MEDIA_TYPE_UNSUPPORTED: 'a manifest, layer or config media type that is not a container image',
  ARCHIVE_INVALID: 'a docker-archive or oci-archive tar is damaged or incomplete',
  DIGEST_INVALID: 'a digest is not ALGORITHM:HEX',
  DIGEST_UNSUPPORTED: 'a digest uses an algorithm other than sha256, sha384, sha512',
  DIGEST_MISMATCH: 'content does not hash to the digest that names it',
  DIFFID_MISMATCH: "a layer's uncompressed content does not hash to its diffID",
  SIZE_MISMATCH: 'a blob is shorter or longer than its descriptor says',
  // Reading layers
  LAYER_CORRUPT: 'a layer is not a readable (compressed) tar',
  LAYER_UNSUPPORTED: 'a layer uses a tar form that runtimes read differently or refuse',
  LAYER_TOO_LARGE: 'a layer is over max-layer-size uncompressed',
  TOO_MANY_ENTRIES: 'a layer has more entries than max-entries',
  PATH_INVALID: 'a layer entry has a path that cannot be a file (NUL, a name segment over 255 bytes)',
  PATH_ESCAPE: "a layer entry's path climbs out of the image root (..)",
  // Registries and the Docker daemon
  AUTH_CHALLENGE: "the registry's authentication challenge cannot be understood",
  AUTH_FAILED: 'the registry refused the credentials, or the token service did not answer with a token',
  ACCESS_DENIED: 'the registry refused access to the repository',
  RATE_LIMITED: 'the registry says no pulls are left for now',
  NOT_A_REGISTRY: 'the host does not answer as an OCI distribution registry',
  REGISTRY_ERROR: 'the registry answered with an error status',
  REGISTRY_RESPONSE_INVALID: 'the registry answered with something that is not what the API promises',
  REGISTRY_UNREACHABLE: 'the registry cannot be reached (after retries)',
  REGISTRY_TIMEOUT:
    'the registry sent nothing for longer than the idle timeout, or a request outlasted its deadline',
  BLOB_DOWNLOAD: 'a blob download broke off',
  RESPONSE_TOO_LARGE: 'an answer (registry body, blob, Docker daemon reply) is over its size bound',
  URL_UNSUPPORTED: 'a URL scheme other than http or https',
  INSECURE_REGISTRY: 'plain HTTP to a registry that is not allowed to use it',
  INSECURE_REDIRECT: 'a redirect from HTTPS to plain HTTP',
  TOO_MANY_REDIRECTS: 'a request was redirected too many times',
  DOCKER_CONFIG_INVALID: "docker's config.json cannot be read or understood",
  CREDENTIAL_HELPER_FAILED: 'a docker credential helper is missing, failed, timed out or answered nonsense',
  DOCKER_HOST_INVALID: 'DOCKER_HOST is not a unix socket or tcp address',
  DAEMON_UNREACHABLE: 'the Docker daemon cannot be reached',
  DAEMON_ERROR: 'the Docker daemon answered with an error',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;
