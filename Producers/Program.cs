using EventDriven.Producers;

var builder = WebApplication.CreateBuilder(args);
builder.AddProducersProcess();

var app = builder.Build();
app.MapLookupApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
