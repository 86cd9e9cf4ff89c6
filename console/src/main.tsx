// The console: the service's own browser app for the people who run segments and webhooks.
import { render } from 'preact'
import { App } from './app'
import './base.css'

const root = document.getElementById('app') as HTMLElement
root.textContent = ''
render(<App />, root)
