using EventDriven.Infrastructure.Tests.Templates;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests;

/// <summary>
/// Whoever can change a release template must not be able to become an account administrator through the pipeline's
/// CloudFormation role (<c>eventdriven-cloudformation-deploy</c>): every role it creates carries the environment's
/// permissions boundary, only the AWS-managed policies the templates name can be attached, the boundary cannot be
/// lifted or rewritten, no role of another environment can be passed, no user or key can be made. The AWS-managed
/// policy attached to that role is taken at its worst (as if it allowed everything), so only the template's own Deny
/// statements count. And a bounded role itself can do none of it either.
/// </summary>
public sealed class When_checking_for_privilege_escalation_Specs
{
    private static readonly Topology Topology = Topology.Repository;
    private static readonly string[] ReleaseStacks = ["functions", "producers", "consumers", "monitoring"];

    public static TheoryData<string> PipelineEnvironments() => new(Topology.Template("deployment-roles").ParameterAllowedValues("EnvironmentName"));

    [Theory]
    [MemberData(nameof(PipelineEnvironments))]
    public void Should_refuse_every_escalation_whatever_the_managed_policy_allows(string environment)
    {
        var (role, names) = ExecutionRole(environment);

        var possible = Escalations(names).Where(role.Decisions.IsAllowed).ToList();

        Assert.True(possible.Count == 0, "the CloudFormation role could escalate:" + Environment.NewLine + string.Join(Environment.NewLine, possible));
    }

    [Theory]
    [MemberData(nameof(PipelineEnvironments))]
    public void Should_still_let_the_release_stacks_create_their_bounded_roles_with_the_policies_they_name(string environment)
    {
        var (role, names) = ExecutionRole(environment);
        var own = new IamDecisions(role.Evaluator, role.Statements, unreadablePoliciesAllowEverything: false);
        var withBoundary = Context(("iam:PermissionsBoundary", names.Boundary));

        var needed = new List<IamRequest>
        {
            new("iam:CreateRole", names.EnvironmentRole, withBoundary),
            new("iam:PutRolePolicy", names.EnvironmentRole, withBoundary),
            new("iam:PassRole", names.EnvironmentRole),
        };
        needed.AddRange(ManagedPoliciesOfTheReleaseStacks(environment).Select(policy =>
            new IamRequest("iam:AttachRolePolicy", names.EnvironmentRole, Context(("iam:PermissionsBoundary", names.Boundary), ("iam:PolicyARN", policy)))));

        Assert.All(needed, request => Assert.True(own.IsAllowed(request), $"the release stacks need {request}"));
    }

    [Theory]
    [MemberData(nameof(PipelineEnvironments))]
    public void Should_put_the_boundary_on_every_role_of_the_release_stacks(string environment)
    {
        var (_, names) = ExecutionRole(environment);
        var roles = ReleaseStacks.Select(Topology.Template)
            .SelectMany(t => t.ResourcesOfType("AWS::IAM::Role").Select(r => (Template: t, Role: r)))
            .ToList();

        Assert.NotEmpty(roles);
        Assert.All(roles, r => Assert.Equal(
            names.Boundary,
            Topology.Evaluator(r.Template, environment).Evaluate(r.Role.Property("PermissionsBoundary")) as string));
    }

    [Theory]
    [MemberData(nameof(PipelineEnvironments))]
    public void Should_bound_the_roles_to_their_own_services_and_secrets(string environment)
    {
        var (_, names) = ExecutionRole(environment);
        var template = Topology.Template("deployment-roles");
        var evaluator = Topology.Evaluator(template, environment);
        var policy = template.Resource("ReleaseRolesBoundary");
        var boundary = IamDecisions.ForPolicy(evaluator, policy);

        Assert.Equal(names.Boundary, $"arn:aws:iam::{TemplateEvaluator.AccountId}:policy/" + evaluator.EvaluateString(policy.Property("ManagedPolicyName")));
        var escalations = Escalations(names).Concat(
        [
            new IamRequest("sts:AssumeRole", $"arn:aws:iam::{TemplateEvaluator.AccountId}:role/OrganizationAccountAccessRole"),
            new IamRequest("secretsmanager:GetSecretValue", $"arn:aws:secretsmanager:{TemplateEvaluator.Region}:{TemplateEvaluator.AccountId}:secret:payments/db-password-AbCdEf"),
            new IamRequest("kms:ScheduleKeyDeletion", $"arn:aws:kms:{TemplateEvaluator.Region}:{TemplateEvaluator.AccountId}:key/1234"),
            new IamRequest("organizations:LeaveOrganization", "*"),
        ]);
        Assert.All(escalations, request => Assert.False(boundary.IsAllowed(request), $"a bounded role could {request}"));

        // Everything the release roles' own policies grant stays possible under the boundary.
        var granted = ReleaseStacks.Select(Topology.Template)
            .SelectMany(t => t.ResourcesOfType("AWS::IAM::Role"))
            .SelectMany(StatementsOf)
            .Where(s => (CloudFormationTemplate.Child(s, "Effect") as YamlScalarNode)?.Value == "Allow")
            .SelectMany(s => Actions(s))
            .Where(action => action != "sts:AssumeRole") // the trust policies' action, not a grant
            .Distinct()
            .ToList();
        Assert.NotEmpty(granted);
        Assert.All(granted, action => Assert.True(
            boundary.IsAllowed(new IamRequest(action, action.StartsWith("secretsmanager:", StringComparison.Ordinal)
                ? $"arn:aws:secretsmanager:{TemplateEvaluator.Region}:{TemplateEvaluator.AccountId}:secret:eventdriven/{environment}/admin-api-key-AbCdEf"
                : "*")),
            $"the boundary takes {action} from a release role that needs it"));
    }

    [Fact]
    public void Should_find_the_escalation_in_the_role_as_it_was()
    {
        // Control: the CloudFormation role before the boundary (any eventdriven-<env>-* role, any policy attached).
        var template = CloudFormationTemplate.Parse("""
            Parameters:
              EnvironmentName:
                Type: String
                AllowedValues: [staging, prod]
            Resources:
              CloudFormationExecutionRole:
                Type: AWS::IAM::Role
                Properties:
                  ManagedPolicyArns:
                    - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk
                  Policies:
                    - PolicyName: release-stacks
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Action: [iam:CreateRole, iam:AttachRolePolicy, iam:PutRolePolicy, iam:PassRole]
                            Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/eventdriven-${EnvironmentName}-*
            """, "deployment-roles-before.yaml");
        var evaluator = new TemplateEvaluator(Topology, template, "prod");
        var decisions = IamDecisions.ForRole(evaluator, template.Resource("CloudFormationExecutionRole"));
        var names = Names("prod");

        Assert.True(decisions.IsAllowed(new IamRequest("iam:AttachRolePolicy", names.EnvironmentRole, Context(("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess")))));
        Assert.True(decisions.IsAllowed(new IamRequest("iam:CreateRole", names.EnvironmentRole)));
    }

    private sealed record RoleNames(string Boundary, string EnvironmentRole, string UnboundedRole, string ForeignRole);

    private sealed record ExecutionRoleUnderTest(TemplateEvaluator Evaluator, IReadOnlyList<YamlMappingNode> Statements, IamDecisions Decisions);

    private static RoleNames Names(string environment) => new(
        Boundary: $"arn:aws:iam::{TemplateEvaluator.AccountId}:policy/eventdriven-{environment}-release-roles-boundary",
        EnvironmentRole: $"arn:aws:iam::{TemplateEvaluator.AccountId}:role/eventdriven-{environment}-producers-ProducersInstanceRole-1A2B3C",
        UnboundedRole: $"arn:aws:iam::{TemplateEvaluator.AccountId}:role/eventdriven-{environment}-created-before-the-boundary",
        ForeignRole: $"arn:aws:iam::{TemplateEvaluator.AccountId}:role/OrganizationAccountAccessRole");

    private static (ExecutionRoleUnderTest Role, RoleNames Names) ExecutionRole(string environment)
    {
        var template = Topology.Template("deployment-roles");
        var evaluator = Topology.Evaluator(template, environment);
        var role = template.Resource("CloudFormationExecutionRole");
        return (new ExecutionRoleUnderTest(evaluator, StatementsOf(role).ToList(), IamDecisions.ForRole(evaluator, role)), Names(environment));
    }

    /// <summary>Requests that would turn a template change into more power than the pipeline's role has.</summary>
    private static IEnumerable<IamRequest> Escalations(RoleNames names)
    {
        var admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        var withBoundary = Context(("iam:PermissionsBoundary", names.Boundary));
        var otherBoundary = Context(("iam:PermissionsBoundary", $"arn:aws:iam::{TemplateEvaluator.AccountId}:policy/anything-else"));
        var user = $"arn:aws:iam::{TemplateEvaluator.AccountId}:user/intruder";
        return
        [
            new("iam:CreateRole", names.EnvironmentRole),
            new("iam:CreateRole", names.EnvironmentRole, otherBoundary),
            new("iam:CreateRole", names.ForeignRole),
            new("iam:AttachRolePolicy", names.EnvironmentRole, Context(("iam:PermissionsBoundary", names.Boundary), ("iam:PolicyARN", admin))),
            new("iam:AttachRolePolicy", names.EnvironmentRole, Context(("iam:PermissionsBoundary", names.Boundary), ("iam:PolicyARN", "arn:aws:iam::aws:policy/IAMFullAccess"))),
            new("iam:AttachRolePolicy", names.UnboundedRole, Context(("iam:PolicyARN", "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier"))),
            new("iam:PutRolePolicy", names.UnboundedRole),
            new("iam:PutRolePolicy", names.ForeignRole),
            new("iam:PutRolePermissionsBoundary", names.EnvironmentRole, otherBoundary),
            new("iam:DeleteRolePermissionsBoundary", names.EnvironmentRole, withBoundary),
            new("iam:CreatePolicyVersion", names.Boundary),
            new("iam:SetDefaultPolicyVersion", names.Boundary),
            new("iam:CreatePolicy", $"arn:aws:iam::{TemplateEvaluator.AccountId}:policy/eventdriven-admin"),
            new("iam:PassRole", names.ForeignRole),
            new("iam:CreateUser", user),
            new("iam:CreateAccessKey", user),
            new("iam:AttachUserPolicy", user, Context(("iam:PolicyARN", admin))),
            new("iam:CreateLoginProfile", user),
            new("sts:AssumeRole", names.ForeignRole),
        ];
    }

    private static IEnumerable<string> ManagedPoliciesOfTheReleaseStacks(string environment) =>
        ReleaseStacks.Select(Topology.Template)
            .SelectMany(t => t.ResourcesOfType("AWS::IAM::Role").SelectMany(r => Topology.Evaluator(t, environment).EvaluateStrings(r.Property("ManagedPolicyArns"))))
            .Distinct();

    private static IEnumerable<YamlMappingNode> StatementsOf(Resource role) =>
        (role.Property("Policies") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>()
            .Select(p => CloudFormationTemplate.Child(CloudFormationTemplate.Child(p, "PolicyDocument") as YamlMappingNode, "Statement"))
            .OfType<YamlSequenceNode>()
            .SelectMany(s => s.Children.OfType<YamlMappingNode>()) ?? [];

    private static IEnumerable<string> Actions(YamlMappingNode statement) => CloudFormationTemplate.Child(statement, "Action") switch
    {
        YamlScalarNode scalar => [scalar.Value!],
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(s => s.Value!),
        _ => [],
    };

    private static Dictionary<string, string> Context(params (string Key, string Value)[] keys) => keys.ToDictionary(k => k.Key, k => k.Value);
}
