#!/bin/sh
# Installs $packages (space-separated) with the package manager named by $package_type; $repository (";"-separated
# "deb ..." lines or yum baseurls) is added first, and $upgrade=true upgrades the base image's packages.
set -eu
case "${package_type:-deb}" in
  deb)
    if [ -n "${repository:-}" ]; then echo "$repository" | tr ';' '\n' | sudo tee /etc/apt/sources.list.d/outrigger.list >/dev/null; fi
    sudo apt-get update -q
    if [ "${upgrade:-false}" = "true" ]; then sudo DEBIAN_FRONTEND=noninteractive apt-get -y -q upgrade; fi
    # shellcheck disable=SC2086
    [ -z "${packages:-}" ] || sudo DEBIAN_FRONTEND=noninteractive apt-get -y -q install $packages
    ;;
  rpm)
    if [ "${upgrade:-false}" = "true" ]; then sudo yum -y update; fi
    # shellcheck disable=SC2086
    [ -z "${packages:-}" ] || sudo yum -y install $packages
    ;;
  *) echo "unsupported package_type ${package_type}" >&2; exit 1 ;;
esac
