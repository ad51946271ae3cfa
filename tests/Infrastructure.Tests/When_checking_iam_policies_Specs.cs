using EventDriven.Infrastructure.Tests.Templates;

namespace EventDriven.Infrastructure.Tests;

/// <summary>Least privilege: no wildcard actions granted, no wildcard resource without a reason written next to it.</summary>
public class When_checking_iam_policies_Specs
{
    [Fact]
    public void Should_find_no_violation_in_any_template()
    {
        var violations = Topology.Repository.Templates.SelectMany(IamPolicyRules.Check).ToList();

        Assert.True(violations.Count == 0, "IAM rule violations:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Should_check_every_policy_statement_of_every_template()
    {
        // Guards the scanner itself: it must see the statements of role, bucket and key policies alike.
        var statements = Topology.Repository.Templates.ToDictionary(t => t.Name, t => IamPolicyRules.Statements(t).Count());

        Assert.All(
            new[] { "producers", "consumers", "functions", "pipeline", "deployment-roles", "data" },
            name => Assert.True(statements[name] > 0, $"no policy statement found in {name}.yaml"));
    }

    [Theory]
    [InlineData("\"*\"")]
    [InlineData("dynamodb:*")]
    public void Should_reject_an_allow_statement_with_a_wildcard_action(string action)
    {
        var template = CloudFormationTemplate.Parse($$"""
            Resources:
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: too-much
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Action: {{action}}
                            Resource: arn:aws:dynamodb:eu-west-2:123456789012:table/x
            """);

        var violation = Assert.Single(IamPolicyRules.Check(template));
        Assert.Equal(10, violation.Line);
        Assert.Contains("wildcard action", violation.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReleaseRolesBoundary", 0)]
    [InlineData("ReleaseRolesPolicy", 1)]
    public void Should_accept_whole_services_only_in_a_permissions_boundary(string logicalId, int violations)
    {
        var template = CloudFormationTemplate.Parse($$"""
            Resources:
              {{logicalId}}:
                Type: AWS::IAM::ManagedPolicy
                Properties:
                  PolicyDocument:
                    Statement:
                      - Effect: Allow
                        Action: dynamodb:*
                        Resource: arn:aws:dynamodb:eu-west-2:123456789012:table/x
            """);

        Assert.Equal(violations, IamPolicyRules.Check(template).Count);
    }

    [Fact]
    public void Should_accept_a_wildcard_action_in_a_deny_statement()
    {
        var template = CloudFormationTemplate.Parse("""
            Resources:
              Policy:
                Type: AWS::S3::BucketPolicy
                Properties:
                  PolicyDocument:
                    Statement:
                      - Effect: Deny
                        Principal: "*"
                        Action: s3:*
                        Resource: arn:aws:s3:::bucket/*
            """);

        Assert.Empty(IamPolicyRules.Check(template));
    }

    [Fact]
    public void Should_reject_a_wildcard_resource_without_a_comment()
    {
        var template = CloudFormationTemplate.Parse("""
            Resources:
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: describe
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Action: ec2:DescribeVolumes
                            Resource: "*"
            """);

        var violation = Assert.Single(IamPolicyRules.Check(template));
        Assert.Equal(11, violation.Line);
        Assert.Contains("without a comment", violation.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("comment above", "# EC2 Describe calls support no resource-level permissions.|Resource: \"*\"")]
    [InlineData("comment on the line", "Resource: \"*\" # EC2 Describe calls support no resource-level permissions.")]
    [InlineData("comment above the list item", "Resource:|  # EC2 Describe calls support no resource-level permissions.|  - \"*\"")]
    [InlineData("comment above the key of the list", "# EC2 Describe calls support no resource-level permissions.|Resource:|  - \"*\"")]
    public void Should_accept_a_wildcard_resource_with_a_comment_saying_why(string shape, string resourceLines)
    {
        // Statement keys sit 16 spaces deep in the template below; '|' separates the lines of the resource part.
        var resource = string.Join('\n', resourceLines.Split('|').Select(line => new string(' ', 16) + line));
        var template = CloudFormationTemplate.Parse($"""
            Resources:
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: describe
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Action: ec2:DescribeVolumes
            """ + "\n" + resource);

        Assert.True(IamPolicyRules.Check(template).Count == 0, shape);
    }

    [Fact]
    public void Should_not_count_a_comment_of_another_statement()
    {
        var template = CloudFormationTemplate.Parse("""
            Resources:
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: snapshots
                      PolicyDocument:
                        Statement:
                          # Volumes of this account only.
                          - Effect: Allow
                            Action: ec2:CreateSnapshot
                            Resource: arn:aws:ec2:eu-west-2:123456789012:volume/*
                          - Effect: Allow
                            Action: ec2:DescribeVolumes
                            Resource: "*"
            """);

        var violation = Assert.Single(IamPolicyRules.Check(template));
        Assert.Equal(15, violation.Line);
    }

    [Fact]
    public void Should_count_a_comment_inside_the_statement_above_the_resource()
    {
        var template = CloudFormationTemplate.Parse("""
            Resources:
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: describe
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            # EC2 Describe calls support no resource-level permissions.
                            Action: ec2:DescribeVolumes
                            Resource: "*"
            """);

        Assert.Empty(IamPolicyRules.Check(template));
    }

    [Fact]
    public void Should_give_every_function_and_instance_profile_a_role_of_its_own()
    {
        var roleUsers = new List<(string Role, string User)>();
        foreach (var template in Topology.Repository.Templates)
        {
            var evaluator = Topology.Repository.Evaluator(template, Topology.EnvironmentsOf(template)[0]);
            roleUsers.AddRange(template.ResourcesOfType("AWS::Lambda::Function")
                .Select(f => ($"{template}:{evaluator.EvaluateString(f.Property("Role"))}", $"{template}/{f.LogicalId}")));
            roleUsers.AddRange(template.ResourcesOfType("AWS::IAM::InstanceProfile")
                .SelectMany(p => evaluator.EvaluateStrings(p.Property("Roles")).Select(role => ($"{template}:{role}", $"{template}/{p.LogicalId}"))));
        }

        Assert.NotEmpty(roleUsers);
        var shared = roleUsers.GroupBy(u => u.Role).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(u => u.User))}");
        Assert.Empty(shared);
    }
}
