using EventDriven.Functions.LocalScheduler;

namespace EventDriven.Functions.Tests;

/// <summary>The template reader on the CloudFormation forms a rule can be written in.</summary>
public class When_reading_schedule_rules_from_a_template_Specs
{
    private const string Functions = """
          Nightly:
            Type: AWS::Lambda::Function
            Properties:
              Handler: "EventDriven.Functions::EventDriven.Functions.Snapshots.SnapshotFunction::HandleAsync"
              Runtime: !Ref Runtime
          Often:
            Type: AWS::Lambda::Function
            Properties:
              Handler: EventDriven.Functions::EventDriven.Functions.ScottishPostcodes.ScottishPostcodeFunction::HandleAsync
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !Sub ${Prefix}lookups
        """;

    private static IReadOnlyList<ScheduledRule> Read(string rules, string parameters = "") =>
        ScheduleTemplate.Read(new StringReader($"""
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              Runtime:
                Type: String
                Default: dotnet10
            {parameters}
            Resources:
            {Functions}
            {rules}
            """));

    [Fact]
    public void Should_follow_short_and_long_GetAtt_forms_to_the_function_s_handler()
    {
        var rules = Read("""
              ShortDotted:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: cron(0 3 * * ? *)
                  Targets:
                    - Id: a
                      Arn: !GetAtt Nightly.Arn
              ShortList:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: "rate(5 minutes)"
                  Targets:
                    - Id: b
                      Arn: !GetAtt [Often, Arn]
              LongForm:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: rate(1 hour)
                  State: DISABLED
                  Targets:
                    - Id: c
                      Arn:
                        Fn::GetAtt: [Nightly, Arn]
              EventPattern:
                Type: AWS::Events::Rule
                Properties:
                  EventPattern: {source: [aws.ec2]}
                  Targets:
                    - Id: d
                      Arn: !GetAtt Often.Arn
            """);

        Assert.Equal(
            [
                ("ShortDotted", "cron(0 3 * * ? *)", true, "Nightly", FunctionHandlers.Snapshot),
                ("ShortList", "rate(5 minutes)", true, "Often", FunctionHandlers.ScottishPostcodes),
                ("LongForm", "rate(1 hour)", false, "Nightly", FunctionHandlers.Snapshot),
            ],
            rules.Select(r => (r.RuleLogicalId, r.Schedule.Text, r.Enabled, r.FunctionLogicalId, r.Handler)));
    }

    [Fact]
    public void Should_take_a_schedule_from_a_parameter_s_default()
    {
        var rules = Read(
            """
              FromParameter:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: !Ref SnapshotSchedule
                  Targets:
                    - Id: a
                      Arn: !GetAtt Nightly.Arn
            """,
            """
              SnapshotSchedule:
                Type: String
                Default: cron(30 2 ? * SUN *)
            """);

        Assert.Equal("cron(30 2 ? * SUN *)", Assert.Single(rules).Schedule.Text);
    }

    [Theory]
    [InlineData("ScheduleExpression: cron(0 3 * * * *)", "Arn: !GetAtt Nightly.Arn", "Rule Broken: Invalid schedule expression 'cron(0 3 * * * *)'")]
    [InlineData("ScheduleExpression: !Sub 'rate(${Minutes} minutes)'", "Arn: !GetAtt Nightly.Arn", "Broken.ScheduleExpression: only a literal or !Ref")]
    [InlineData("ScheduleExpression: !Ref Missing", "Arn: !GetAtt Nightly.Arn", "!Ref Missing is not a template parameter with a Default")]
    [InlineData("ScheduleExpression: rate(5 minutes)", "Arn: !GetAtt Table.Arn", "target Table is not an AWS::Lambda::Function")]
    [InlineData("ScheduleExpression: rate(5 minutes)", "Arn: !GetAtt Ghost.Arn", "target Ghost is not an AWS::Lambda::Function")]
    [InlineData("ScheduleExpression: rate(5 minutes)", "Arn: arn:aws:lambda:eu-west-2:111122223333:function:other", "target Arn must be !GetAtt <Function>.Arn")]
    [InlineData("ScheduleExpression: rate(5 minutes)", "Arn: !GetAtt Nightly.Arn\n          Input: '{\"dryRun\": true}'", "target uses Input")]
    public void Should_refuse_what_it_cannot_run_naming_the_rule(string schedule, string target, string reason)
    {
        var error = Assert.Throws<ScheduleTemplateException>(() => Read($"""
              Broken:
                Type: AWS::Events::Rule
                Properties:
                  {schedule}
                  Targets:
                    - Id: a
                      {target}
            """));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Resources: [", "not valid YAML")]
    [InlineData("- just\n- a list", "not a CloudFormation template")]
    [InlineData("Parameters: {}", "no Resources section")]
    public void Should_refuse_a_file_that_is_not_a_template(string yaml, string reason)
    {
        var error = Assert.Throws<ScheduleTemplateException>(() => ScheduleTemplate.Read(new StringReader(yaml)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
