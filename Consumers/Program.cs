using EventDriven.Consumers;
using EventDriven.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddConsumersProcess();

var app = builder.Build();
app.MapHealthEndpoints();
app.Run();
