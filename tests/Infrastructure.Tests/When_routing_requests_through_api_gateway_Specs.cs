using EventDriven.Contracts;
using EventDriven.Infrastructure.Tests.Templates;
using YamlDotNet.RepresentationModel;

namespace EventDriven.Infrastructure.Tests;

/// <summary>
/// What the internet reaches through API Gateway: exactly the API's public route groups (<see cref="HttpRoutes.Public"/>)
/// without authorisation, <c>/admin</c> only with IAM, nothing else (no catch-all); every route hands the API the
/// caller's address as API Gateway saw it, and the API believes forwarded addresses from inside the VPC only.
/// </summary>
public sealed class When_routing_requests_through_api_gateway_Specs
{
    private static readonly CloudFormationTemplate Producers = Topology.Repository.Template("producers");

    [Fact]
    public void Should_serve_exactly_the_public_route_groups_without_authorisation_and_admin_only_with_iam()
    {
        Assert.Empty(Violations(Producers));

        var methods = Methods(Producers).ToList();
        Assert.Equal(HttpRoutes.Public.Order(), methods.Where(m => m.Authorization == "NONE").Select(m => m.Path.Split('/')[1]).Distinct().Order());
        Assert.Contains(methods, m => m.Path.StartsWith($"/{HttpRoutes.Admin}/", StringComparison.Ordinal) && m.Authorization == "AWS_IAM");
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Should_believe_forwarded_addresses_only_from_inside_the_vpc(string environment)
    {
        var evaluator = Topology.Repository.Evaluator(Producers, environment);
        var variables = CloudFormationTemplate.Child(Producers.Resource("Environment").Properties, "OptionSettings") as YamlSequenceNode;
        var knownNetworks = variables!.Children.Cast<YamlMappingNode>()
            .Single(o => (CloudFormationTemplate.Child(o, "OptionName") as YamlScalarNode)?.Value == ConfigurationKeys.ForwardedHeadersKnownNetworks);

        // The VPC's own range, as the network stack exports it.
        Assert.Equal("<Vpc.CidrBlock>", evaluator.EvaluateString(CloudFormationTemplate.Child(knownNetworks, "Value")));
    }

    [Fact]
    public void Should_find_a_catch_all_an_unauthorised_admin_route_and_a_caller_chosen_forwarded_address()
    {
        // Controls: the template as it was (ANY /{proxy+} open, the caller's X-Forwarded-For passed through).
        var open = CloudFormationTemplate.Parse("""
            Resources:
              RestApi:
                Type: AWS::ApiGateway::RestApi
              ProxyResource:
                Type: AWS::ApiGateway::Resource
                Properties:
                  ParentId: !GetAtt RestApi.RootResourceId
                  PathPart: "{proxy+}"
              ProxyMethod:
                Type: AWS::ApiGateway::Method
                Properties:
                  ResourceId: !Ref ProxyResource
                  HttpMethod: ANY
                  AuthorizationType: NONE
                  Integration:
                    Type: HTTP_PROXY
                    ConnectionType: VPC_LINK
              AdminResource:
                Type: AWS::ApiGateway::Resource
                Properties:
                  ParentId: !GetAtt RestApi.RootResourceId
                  PathPart: admin
              AdminMethod:
                Type: AWS::ApiGateway::Method
                Properties:
                  ResourceId: !Ref AdminResource
                  HttpMethod: GET
                  AuthorizationType: NONE
                  Integration:
                    Type: HTTP_PROXY
                    ConnectionType: VPC_LINK
                    RequestParameters:
                      integration.request.header.X-Forwarded-For: method.request.header.X-Forwarded-For
            """);

        var violations = Violations(open);

        Assert.Contains(violations, v => v.Contains("/{proxy+}", StringComparison.Ordinal) && v.Contains("not a public route", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("/admin", StringComparison.Ordinal) && v.Contains("AWS_IAM", StringComparison.Ordinal));
        Assert.Equal(2, violations.Count(v => v.Contains("X-Forwarded-For", StringComparison.Ordinal)));
    }

    public static TheoryData<string> Environments() => new(Topology.Environments);

    private static List<string> Violations(CloudFormationTemplate template)
    {
        var violations = new List<string>();
        foreach (var method in Methods(template))
        {
            var group = method.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
            if (group == HttpRoutes.Admin)
            {
                if (method.Authorization != "AWS_IAM")
                {
                    violations.Add($"{method.LogicalId} ({method.Path}) must use AuthorizationType AWS_IAM, not {method.Authorization}");
                }
            }
            else if (!HttpRoutes.Public.Contains(group))
            {
                violations.Add($"{method.LogicalId} ({method.Path}) is not a public route of the API ({string.Join(", ", HttpRoutes.Public)})");
            }

            if (method.ForwardedFor != "context.identity.sourceIp")
            {
                violations.Add($"{method.LogicalId} ({method.Path}) must set X-Forwarded-For from context.identity.sourceIp (found {method.ForwardedFor ?? "nothing"})");
            }
        }

        return violations;
    }

    private sealed record Method(string LogicalId, string Path, string Authorization, string? ForwardedFor);

    private static IEnumerable<Method> Methods(CloudFormationTemplate template)
    {
        var resources = template.ResourcesOfType("AWS::ApiGateway::Resource").ToDictionary(r => r.LogicalId);

        string PathOf(YamlNode? reference) => reference is YamlScalarNode { Tag.Value: "!GetAtt" }
            ? string.Empty
            : reference is YamlScalarNode { Tag.Value: "!Ref" } scalar && resources.TryGetValue(scalar.Value!, out var resource)
                ? PathOf(resource.Property("ParentId")) + "/" + (resource.Property("PathPart") as YamlScalarNode)?.Value
                : throw new InvalidDataException($"{template}: a resource's parent is neither the root nor another resource.");

        foreach (var method in template.ResourcesOfType("AWS::ApiGateway::Method"))
        {
            var integration = method.Property("Integration") as YamlMappingNode;
            var parameters = CloudFormationTemplate.Child(integration, "RequestParameters") as YamlMappingNode;
            var path = PathOf(method.Property("ResourceId"));
            yield return new Method(
                method.LogicalId,
                path.Length == 0 ? "/" : path,
                (method.Property("AuthorizationType") as YamlScalarNode)?.Value ?? "NONE",
                (CloudFormationTemplate.Child(parameters, "integration.request.header.X-Forwarded-For") as YamlScalarNode)?.Value);
        }
    }
}
