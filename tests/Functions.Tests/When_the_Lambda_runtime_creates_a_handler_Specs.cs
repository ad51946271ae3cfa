using EventDriven.Contracts;
using EventDriven.Functions.ScottishPostcodes;

namespace EventDriven.Functions.Tests;

public class When_the_Lambda_runtime_creates_a_handler_Specs
{
    [Fact]
    public void Should_explain_that_the_scottish_function_needs_DynamoDB_outside_the_API_process()
    {
        // The test process sets no Persistence__Provider, like a Lambda deployed without the template's environment.
        Assert.Null(Environment.GetEnvironmentVariable(ConfigurationKeys.PersistenceProvider));

        var error = Assert.Throws<InvalidOperationException>(() => new ScottishPostcodeFunction());

        Assert.Contains("Persistence__Provider must be DynamoDb for the Lambda function (it is InMemory)", error.Message, StringComparison.Ordinal);
    }
}
