/**
 * Files the runtime creates in a container's writable layer as bind-mount
 * targets for berth's /etc files (spec-input.ts). They are not the user's
 * changes: diff and commit leave them out, as Docker's init layer does.
 */
export const RUNTIME_MOUNT_POINTS: readonly string[] = ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"];
