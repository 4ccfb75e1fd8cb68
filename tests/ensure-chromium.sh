#!/bin/sh
# Make sure the system Chromium and a Simplified-Chinese font are present for the browser tests.
# Installs them with apt-get when running as root; otherwise says what to install and stops.
set -eu
need=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need="chromium"
if ! fc-list :lang=zh-cn 2>/dev/null | grep -q .; then need="$need fonts-noto-cjk"; fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装浏览器测试需要的系统软件包：$need"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  exit 0
fi
echo "浏览器测试需要系统软件包：$need" >&2
echo "请以管理员身份安装，例如：sudo apt-get install $need" >&2
exit 1
