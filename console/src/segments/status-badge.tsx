import './status-badge.css'

export function StatusBadge({ status }: { status?: string }) {
  return <span class={`status-badge ${status === 'ACTIVE' ? 'active' : 'inactive'}`}>{status === 'ACTIVE' ? 'Active' : 'Inactive'}</span>
}
