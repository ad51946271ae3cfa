namespace EventDriven.Consumers;

/// <summary>The worker fleet: saga + consumers on RabbitMQ, state in DynamoDB (DESIGN §3, distributed mode).</summary>
public static class WorkerProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLookupWorkers();

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.Run();
    }
}
