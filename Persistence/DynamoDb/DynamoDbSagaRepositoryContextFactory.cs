using MassTransit;
using MassTransit.Saga;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>Plugs <see cref="DynamoDbSagaStore{TSaga}"/> into MassTransit's saga pipeline (send) and its load-by-id API.</summary>
public sealed class DynamoDbSagaRepositoryContextFactory<TSaga>(
    DynamoDbSagaStore<TSaga> store,
    ISagaConsumeContextFactory<DynamoDbSagaStore<TSaga>, TSaga> factory)
    : ISagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class =>
        next.Send(new DynamoDbSagaRepositoryContext<TSaga, T>(store, context, factory));

    // Events correlate by id only: a query would be a table scan, which this store refuses rather than hides.
    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException(
            $"The DynamoDB saga repository for {typeof(TSaga).Name} correlates events by CorrelationId only; correlate '{typeof(T).Name}' by id.");

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new DynamoDbLoadSagaRepositoryContext<TSaga>(store, cancellationToken));

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "dynamodb");
        context.Add("table", store.TableName);
    }
}
