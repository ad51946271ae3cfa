using EventDriven.Consumers;

// The worker fleet: saga + consumers on RabbitMQ, state in DynamoDB (DESIGN §3, distributed mode).
var builder = WebApplication.CreateBuilder(args);
builder.AddLookupWorkers();

var app = builder.Build();
app.MapHealthEndpoints();
app.Run();
