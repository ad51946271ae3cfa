using EventDriven.Producers.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddEventDrivenApi();

var app = builder.Build();
app.MapEventDrivenApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
