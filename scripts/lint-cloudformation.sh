#!/usr/bin/env bash
# Lints every CloudFormation template in cloudformation/ with cfn-lint (npm package, installed by
# scripts/install.d/20-cfn-lint.sh), once per environment so both sides of every dev/prod condition are checked.
# When AWS's own cfn-lint (Python) is on the PATH it runs too: it knows today's resource schemas, the npm one knows
# the 2019 specification. Exit status: non-zero when any template has an error.
set -euo pipefail
cd "$(dirname "$0")/.."

npm_cfn_lint=".tools/node_modules/.bin/cfn-lint"
if [ ! -x "$npm_cfn_lint" ]; then
  bash scripts/install.d/20-cfn-lint.sh
fi

environments=(dev staging prod)
status=0
for template in cloudformation/*.yaml; do
  for environment in "${environments[@]}"; do
    parameters=()
    if grep -qE '^  EnvironmentName:' "$template"; then
      # Only the environments the template allows (deployment-roles.yaml exists in staging and prod only).
      allowed="$(awk '/^  EnvironmentName:/{found=1; next} found && /AllowedValues:/{print; exit}' "$template")"
      [[ "$allowed" =~ (^|[^a-z])$environment([^a-z]|$) ]] || continue
      parameters=(--parameters "EnvironmentName=$environment")
    fi
    label="$environment"
    [ ${#parameters[@]} -eq 0 ] && label="any environment"
    if output="$("$npm_cfn_lint" validate "$template" "${parameters[@]}" 2>&1)"; then
      echo "ok    cfn-lint (npm)  $template [$label]"
    else
      echo "FAIL  cfn-lint (npm)  $template [$label]"
      echo "$output" | sed 's/\x1b\[[0-9;]*m//g'
      status=1
    fi
    # Templates without an environment parameter need one pass only.
    [ ${#parameters[@]} -eq 0 ] && break
  done
done

if command -v cfn-lint >/dev/null 2>&1 && cfn-lint --version >/dev/null 2>&1; then
  aws_status=0
  output="$(cfn-lint cloudformation/*.yaml 2>&1)" || aws_status=$?
  if [ "$aws_status" -eq 0 ]; then
    echo "ok    $(cfn-lint --version) (AWS) on every template"
  else
    echo "$output"
    # cfn-lint exits with bits: 2 errors, 4 warnings, 8 informational (1 = could not run): warnings do not fail the check.
    if [ $(( aws_status & 3 )) -ne 0 ]; then status=1; fi
  fi
else
  echo "skip  AWS cfn-lint (Python) not on the PATH"
fi
exit "$status"
