using EventDriven.Infrastructure.Tests.Templates;

namespace EventDriven.Infrastructure.Tests;

/// <summary>cfn-lint on every template in cloudformation/, once per environment the template allows.</summary>
public class When_linting_the_templates_Specs
{
    public static TheoryData<string> TemplateFiles()
    {
        var data = new TheoryData<string>();
        foreach (var template in Topology.Repository.Templates)
        {
            data.Add(Path.GetFileName(template.Path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TemplateFiles))]
    public void Should_pass_cfn_lint_with_zero_errors(string file)
    {
        var template = Topology.Repository.Template(Path.GetFileNameWithoutExtension(file));
        IReadOnlyList<string?> environments = template.HasParameter("EnvironmentName") ? [.. Topology.EnvironmentsOf(template)] : [(string?)null];
        foreach (var environment in environments)
        {
            var npm = CfnLint.RunNpm(template.Path, environment);
            Assert.True(npm.ExitCode == 0, $"{file} [{environment ?? "no environment"}]: {npm}");
        }

        // The stricter, current-schema linter where the machine has it (every machine image of this project does).
        if (CfnLint.AwsBinary is not null)
        {
            var aws = CfnLint.RunAws(template.Path);
            Assert.False(CfnLint.AwsFoundErrors(aws), $"{file}: {aws}");
        }
    }

    [Fact]
    public void Should_fail_a_template_with_a_dangling_reference_and_an_unknown_property()
    {
        // The control: the linters do reject a broken template, so a green run above means something.
        var directory = Directory.CreateTempSubdirectory("cfn-lint-control-");
        try
        {
            var path = Path.Combine(directory.FullName, "broken.yaml");
            File.WriteAllText(path, """
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      TableName: !Ref NoSuchParameter
                      BillingMode: PAY_PER_REQUEST
                      NoSuchProperty: true
                      KeySchema:
                        - AttributeName: PK
                          KeyType: HASH
                      AttributeDefinitions:
                        - AttributeName: PK
                          AttributeType: S
                """);

            var npm = CfnLint.RunNpm(path, environment: null);
            Assert.NotEqual(0, npm.ExitCode);
            Assert.Contains("NoSuchProperty", npm.Output, StringComparison.Ordinal);

            if (CfnLint.AwsBinary is not null)
            {
                var aws = CfnLint.RunAws(path);
                Assert.True(CfnLint.AwsFoundErrors(aws), aws.ToString());
                Assert.Contains("NoSuchParameter", aws.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
