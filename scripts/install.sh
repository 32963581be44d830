#!/usr/bin/env bash
# Builds Warmstart in release mode and installs it:
#   $PREFIX/bin/warmstartd, $PREFIX/bin/warmstart            (PREFIX defaults to /usr/local)
#   /etc/systemd/system/warmstartd.service                    (ExecStart= points at $PREFIX/bin/warmstartd)
#   /etc/warmstart/warmstartd.yaml                            (only when absent: an existing config is kept and
#                                                              the new one is put next to it as .yaml.new)
#   $PREFIX/share/warmstart/{event,score}.schema.json         (message formats, for reference)
# Everything lands under $DESTDIR when it is set (staging, packaging).
#
# Usage: scripts/install.sh [--dry-run] [--no-build] [--help]
#   --dry-run   print every action instead of doing it
#   --no-build  install what is already built
# Environment: PREFIX, DESTDIR, SWIFT (swift), BUILD_CONFIGURATION (release),
#              SWIFT_BUILD_FLAGS (extra flags for swift build, e.g. --scratch-path .build-x),
#              SYSTEMD_UNIT_DIR (/etc/systemd/system), CONFIG_DIR (/etc/warmstart)
set -euo pipefail

PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
SWIFT="${SWIFT:-swift}"
BUILD_CONFIGURATION="${BUILD_CONFIGURATION:-release}"
SWIFT_BUILD_FLAGS="${SWIFT_BUILD_FLAGS:-}"
SYSTEMD_UNIT_DIR="${SYSTEMD_UNIT_DIR:-/etc/systemd/system}"
CONFIG_DIR="${CONFIG_DIR:-/etc/warmstart}"

dry_run=0
build=1
for argument in "$@"; do
    case "$argument" in
        --dry-run) dry_run=1 ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument: $argument (try --help)" >&2; exit 2 ;;
    esac
done

case "$PREFIX" in
    /*) ;;
    *) echo "install.sh: PREFIX must be an absolute path, got '$PREFIX'" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."

# Prints a command, then runs it unless --dry-run.
run() {
    printf '+'
    printf ' %q' "$@"
    printf '\n'
    if [ "$dry_run" -eq 0 ]; then
        "$@"
    fi
}

# shellcheck disable=SC2086 # SWIFT_BUILD_FLAGS is a list of flags.
if [ "$build" -eq 1 ]; then
    run "$SWIFT" build -c "$BUILD_CONFIGURATION" $SWIFT_BUILD_FLAGS --product warmstartd
    run "$SWIFT" build -c "$BUILD_CONFIGURATION" $SWIFT_BUILD_FLAGS --product warmstart
fi
# shellcheck disable=SC2086
bin_path="$("$SWIFT" build -c "$BUILD_CONFIGURATION" $SWIFT_BUILD_FLAGS --show-bin-path)"

if [ "$dry_run" -eq 0 ]; then
    for binary in warmstartd warmstart; do
        if [ ! -x "$bin_path/$binary" ]; then
            echo "install.sh: $bin_path/$binary is not built (run without --no-build)" >&2
            exit 1
        fi
    done
fi

bin_dir="$DESTDIR$PREFIX/bin"
share_dir="$DESTDIR$PREFIX/share/warmstart"
unit_dir="$DESTDIR$SYSTEMD_UNIT_DIR"
config_dir="$DESTDIR$CONFIG_DIR"

run install -d -m 0755 "$bin_dir" "$share_dir" "$unit_dir" "$config_dir"
run install -m 0755 "$bin_path/warmstartd" "$bin_dir/warmstartd"
run install -m 0755 "$bin_path/warmstart" "$bin_dir/warmstart"
for schema in config/event.schema.json config/score.schema.json; do
    if [ -f "$schema" ]; then
        run install -m 0644 "$schema" "$share_dir/$(basename "$schema")"
    fi
done

# The unit names the binary by absolute path, and the config file when CONFIG_DIR is not systemd's default.
unit_source="systemd/warmstartd.service"
unit_target="$unit_dir/warmstartd.service"
sed_script="s#/usr/local/bin/warmstartd#$PREFIX/bin/warmstartd#"
if [ "$CONFIG_DIR" != "/etc/warmstart" ]; then
    sed_script="$sed_script; s#\${CONFIGURATION_DIRECTORY}/warmstartd.yaml#$CONFIG_DIR/warmstartd.yaml#"
fi
printf '+ sed %q %q > %q\n' "$sed_script" "$unit_source" "$unit_target"
if [ "$dry_run" -eq 0 ]; then
    sed "$sed_script" "$unit_source" > "$unit_target"
    chmod 0644 "$unit_target"
fi

config_target="$config_dir/warmstartd.yaml"
if [ -e "$config_target" ]; then
    echo "install.sh: keeping the existing $config_target; the shipped one is at $config_target.new" >&2
    run install -m 0644 config/warmstartd.yaml "$config_target.new"
else
    run install -m 0644 config/warmstartd.yaml "$config_target"
fi

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    run systemctl daemon-reload
fi

cat >&2 <<NEXT
install.sh: done. Next:
  edit $CONFIG_DIR/warmstartd.yaml (at least kafka.bootstrap_servers)
  $PREFIX/bin/warmstartd --check-config --config $CONFIG_DIR/warmstartd.yaml
  systemctl enable --now warmstartd && journalctl -u warmstartd -f
NEXT
