#!/usr/bin/env bash
# Deploys one environment's stacks by hand, in the order of cloudformation/stack-order.txt - what the pipeline does
# for staging and prod, for a first deployment, a dev account, or a pipeline-less fix.
#
#   cloudformation/deploy.sh [--dry-run] <dev|staging|prod> <release-version> [stack ...]
#
# <release-version> names releases/<release-version>/ in the environment's artifacts bucket. When artifacts/release/
# holds a packaged release (buildspec.yml's output: functions.zip, producers.zip, consumers.zip), it is uploaded there
# right after the data stack (which creates the bucket). Stacks default to all of stack-order.txt; name some to deploy
# only those (still in order). --dry-run prints the aws commands instead of running them.
# Environment: AWS credentials/region as for the aws CLI; ALARM_EMAIL (optional) subscribes an address to the alarms.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
if [ "${1:-}" = "--dry-run" ]; then
  dry_run=true
  shift
fi

usage() {
  sed -n '4,5p' "$0" | sed 's/^# *//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
environment="$1"
release="$2"
shift 2
case "$environment" in
  dev | staging | prod) ;;
  *) echo "environment must be dev, staging or prod (was '$environment')" >&2; exit 2 ;;
esac
if ! [[ "$release" =~ ^[a-zA-Z0-9._-]+$ ]]; then
  echo "release version may hold only letters, digits, '.', '_' and '-' (was '$release')" >&2
  exit 2
fi

mapfile -t order < <(grep -vE '^\s*(#|$)' cloudformation/stack-order.txt)
stacks=("${order[@]}")
if [ $# -gt 0 ]; then
  for requested in "$@"; do
    printf '%s\n' "${order[@]}" | grep -qx "$requested" || { echo "unknown stack '$requested' (known: ${order[*]})" >&2; exit 2; }
  done
  stacks=()
  for stack in "${order[@]}"; do
    for requested in "$@"; do [ "$stack" = "$requested" ] && stacks+=("$stack"); done
  done
fi

run() {
  if $dry_run; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

if $dry_run; then
  region="${AWS_REGION:-<region>}"
  account="<account>"
else
  region="${AWS_REGION:-$(aws configure get region)}"
  account="$(aws sts get-caller-identity --query Account --output text)"
fi
bucket="eventdriven-$environment-artifacts-$account-$region"
release_dir="artifacts/release"

for stack in "${stacks[@]}"; do
  parameters=("EnvironmentName=$environment")
  case "$stack" in
    functions) parameters+=("CodeBucket=$bucket" "CodeKey=releases/$release/functions.zip") ;;
    producers | consumers) parameters+=("ReleaseVersion=$release") ;;
    monitoring) [ -n "${ALARM_EMAIL:-}" ] && parameters+=("AlarmEmail=$ALARM_EMAIL") ;;
  esac

  echo "==> eventdriven-$environment-$stack" >&2
  run aws cloudformation deploy \
    --region "$region" \
    --template-file "cloudformation/$stack.yaml" \
    --stack-name "eventdriven-$environment-$stack" \
    --parameter-overrides "${parameters[@]}" \
    --capabilities CAPABILITY_IAM \
    --no-fail-on-empty-changeset

  if [ "$stack" = data ] && [ -d "$release_dir" ]; then
    for bundle in functions.zip producers.zip consumers.zip; do
      if [ -f "$release_dir/$bundle" ]; then
        run aws s3 cp --region "$region" "$release_dir/$bundle" "s3://$bucket/releases/$release/$bundle"
      fi
    done
  fi
done
